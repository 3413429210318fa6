#!/usr/bin/env python3
"""Writes scenarios/maps/north_china.ron: provinces, roads (days from great-circle distances), lines.

Figures are design estimates (see ../shared/history/notes.md); edit the tables below and rerun.
"""
import math, os

# id, name, lon, lat, terrain, population, wealth (thousand taels a month), walls, garrison, loyalty, months of stores
P = [
    ("# The Jin homeland and Liaodong",),
    ("huining", "Huining", 127.0, 45.5, "forest", 150000, 4, 3, 6000, 70, 6),
    ("ningjiang", "Ningjiang", 124.8, 45.1, "plains", 60000, 2, 3, 2000, 50, 6),
    ("huanglong", "Huanglong", 125.2, 44.4, "plains", 120000, 4, 5, 4000, 50, 6),
    ("liao_eastern", "Liaoyang (Liao Eastern Capital)", 123.2, 41.3, "plains", 300000, 15, 6, 10000, 40, 6),
    ("suzhou_liaodong", "Suzhou (Liaodong coast)", 121.7, 39.1, "hills", 60000, 3, 3, 2000, 40, 6),
    ("# The Liao heartland",),
    ("liao_supreme", "Linhuang (Liao Supreme Capital)", 119.4, 44.0, "steppe", 200000, 10, 6, 12000, 70, 6),
    ("liao_central", "Dading (Liao Central Capital)", 119.0, 41.6, "steppe", 200000, 12, 6, 12000, 70, 6),
    ("xingzhong", "Xingzhong", 120.4, 41.6, "hills", 100000, 5, 4, 4000, 60, 6),
    ("# The Sixteen Prefectures of Yan and Yun",),
    ("yanjing", "Yanjing (Liao Southern Capital)", 116.4, 39.9, "city", 500000, 50, 8, 20000, 60, 6),
    ("juyong", "Juyong Pass", 116.1, 40.3, "mountains", 5000, 1, 6, 3000, 50, 8),
    ("pingzhou", "Pingzhou", 118.9, 39.9, "hills", 80000, 5, 4, 3000, 40, 6),
    ("jizhou", "Jizhou", 117.4, 40.0, "plains", 100000, 6, 4, 3000, 40, 6),
    ("shunzhou", "Shunzhou", 116.65, 40.13, "plains", 60000, 4, 3, 2000, 40, 6),
    ("tanzhou", "Tanzhou", 116.85, 40.38, "hills", 50000, 3, 3, 2000, 40, 6),
    ("zhuozhou", "Zhuozhou", 116.0, 39.5, "plains", 120000, 8, 4, 4000, 40, 6),
    ("yizhou", "Yizhou", 115.5, 39.4, "hills", 100000, 6, 4, 3000, 40, 6),
    ("guizhou", "Guizhou (Huailai)", 115.5, 40.4, "mountains", 40000, 2, 3, 2000, 50, 6),
    ("wuzhou", "Wuzhou (Xuanhua)", 115.05, 40.6, "hills", 50000, 3, 4, 2000, 50, 6),
    ("weizhou", "Weizhou", 114.6, 39.8, "hills", 50000, 3, 3, 2000, 50, 6),
    ("datong", "Datong (Liao Western Capital)", 113.3, 40.1, "hills", 200000, 12, 7, 10000, 60, 6),
    ("yingzhou", "Yingzhou", 113.2, 39.6, "hills", 60000, 3, 4, 2000, 50, 6),
    ("shuozhou", "Shuozhou", 112.4, 39.3, "hills", 70000, 4, 4, 3000, 50, 6),
    ("# Hebei: the Song frontier",),
    ("xiongzhou", "Xiongzhou", 116.1, 39.0, "marsh", 100000, 8, 6, 8000, 85, 6),
    ("bazhou", "Bazhou", 116.4, 39.1, "marsh", 80000, 6, 5, 5000, 85, 6),
    ("baozhou", "Baozhou", 115.5, 38.9, "plains", 120000, 8, 5, 6000, 85, 6),
    ("hejian", "Hejian", 116.1, 38.4, "plains", 250000, 25, 6, 10000, 85, 7),
    ("cangzhou", "Cangzhou", 116.8, 38.3, "plains", 150000, 12, 4, 4000, 80, 6),
    ("zhongshan", "Zhongshan (Dingzhou)", 115.0, 38.5, "plains", 260000, 25, 6, 10000, 85, 7),
    ("zhending", "Zhending", 114.6, 38.2, "plains", 280000, 28, 7, 12000, 80, 7),
    ("xingzhou", "Xingzhou", 114.5, 37.1, "plains", 180000, 15, 5, 5000, 80, 6),
    ("daming", "Daming (Northern Capital)", 115.2, 36.3, "city", 400000, 45, 7, 20000, 80, 7),
    ("xiangzhou", "Xiangzhou", 114.35, 36.1, "plains", 200000, 18, 5, 5000, 85, 6),
    ("# Hedong: the road of the western Jin army",),
    ("daizhou", "Daizhou (Yanmen Pass)", 113.0, 39.1, "mountains", 80000, 5, 7, 8000, 85, 7),
    ("xinzhou", "Xinzhou", 112.7, 38.4, "hills", 120000, 8, 5, 5000, 85, 6),
    ("taiyuan", "Taiyuan", 112.6, 37.9, "hills", 300000, 30, 8, 30000, 90, 7),
    ("fenzhou", "Fenzhou", 111.8, 37.3, "hills", 120000, 8, 4, 3000, 85, 6),
    ("longde", "Longde (Lu'an)", 113.1, 36.2, "mountains", 150000, 10, 5, 5000, 85, 6),
    ("jiangzhou", "Jiangzhou", 111.2, 35.6, "hills", 150000, 10, 4, 4000, 85, 6),
    ("# Shaanxi: the Xia frontier and the relief armies",),
    ("jingzhao", "Jingzhao (Chang'an)", 108.9, 34.3, "city", 400000, 35, 8, 20000, 85, 7),
    ("yanan", "Yan'an", 109.5, 36.6, "hills", 120000, 8, 6, 15000, 85, 7),
    ("fengxiang", "Fengxiang", 107.4, 34.5, "hills", 150000, 10, 5, 6000, 85, 6),
    ("# Henan: the capitals",),
    ("kaifeng", "Kaifeng (Eastern Capital)", 114.3, 34.8, "city", 1000000, 200, 9, 50000, 90, 8),
    ("huazhou", "Huazhou (Yellow River crossing)", 114.6, 35.6, "marsh", 150000, 12, 4, 5000, 85, 6),
    ("zhengzhou", "Zhengzhou", 113.65, 34.75, "plains", 150000, 12, 4, 4000, 90, 6),
    ("luoyang", "Luoyang (Western Capital)", 112.5, 34.6, "city", 300000, 30, 7, 12000, 90, 7),
    ("yingchang", "Yingchang (Xuchang)", 113.8, 34.0, "plains", 200000, 16, 4, 4000, 90, 6),
    ("yingtianfu", "Yingtianfu (Southern Capital)", 115.7, 34.4, "plains", 300000, 30, 6, 8000, 90, 6),
    ("# Shandong",),
    ("dengzhou", "Dengzhou (the envoys' port)", 120.8, 37.8, "hills", 100000, 8, 4, 3000, 85, 6),
    ("qingzhou", "Qingzhou", 118.5, 36.7, "hills", 250000, 20, 5, 5000, 85, 6),
    ("jinan", "Jinan", 117.0, 36.7, "plains", 250000, 20, 5, 5000, 85, 6),
    ("yunzhou", "Yunzhou (Dongping)", 116.3, 35.9, "plains", 180000, 14, 4, 4000, 85, 6),
    ("xuzhou", "Xuzhou", 117.2, 34.3, "plains", 200000, 15, 6, 6000, 85, 6),
    ("# Beyond the Huai: where the Southern Song rose",),
    ("shouzhou", "Shouzhou (on the Huai)", 116.8, 32.6, "marsh", 150000, 12, 5, 5000, 90, 6),
    ("xiangyang", "Xiangyang", 112.1, 32.0, "hills", 200000, 16, 7, 8000, 90, 7),
    ("yangzhou", "Yangzhou", 119.4, 32.4, "plains", 300000, 30, 6, 6000, 90, 6),
    ("jiankang", "Jiankang", 118.8, 32.1, "city", 400000, 40, 7, 10000, 90, 7),
    ("linan", "Lin'an (Hangzhou)", 120.2, 30.3, "city", 500000, 50, 6, 8000, 90, 7),
    ("# Western Xia",),
    ("xingqing", "Xingqing (Western Xia)", 106.3, 38.5, "steppe", 200000, 10, 6, 10000, 80, 6),
]

# Each province's name in the script of the time (native_name), as the window shows it beside the
# romanised one. Kept beside P rather than in it so the figures' columns stay as they are.
NATIVE = {
    "huining": "會寧", "ningjiang": "寧江", "huanglong": "黃龍", "liao_eastern": "遼陽", "suzhou_liaodong": "蘇州", "liao_supreme": "臨潢",
    "liao_central": "大定", "xingzhong": "興中", "yanjing": "燕京", "juyong": "居庸關", "pingzhou": "平州", "jizhou": "薊州",
    "shunzhou": "順州", "tanzhou": "檀州", "zhuozhou": "涿州", "yizhou": "易州", "guizhou": "媯州", "wuzhou": "武州",
    "weizhou": "蔚州", "datong": "大同", "yingzhou": "應州", "shuozhou": "朔州", "xiongzhou": "雄州", "bazhou": "霸州",
    "baozhou": "保州", "hejian": "河間", "cangzhou": "滄州", "zhongshan": "中山", "zhending": "真定", "xingzhou": "邢州",
    "daming": "大名", "xiangzhou": "相州", "daizhou": "代州", "xinzhou": "忻州", "taiyuan": "太原", "fenzhou": "汾州",
    "longde": "隆德", "jiangzhou": "絳州", "jingzhao": "京兆", "yanan": "延安", "fengxiang": "鳳翔", "kaifeng": "開封",
    "huazhou": "滑州", "zhengzhou": "鄭州", "luoyang": "洛陽", "yingchang": "潁昌", "yingtianfu": "應天府", "dengzhou": "登州",
    "qingzhou": "青州", "jinan": "濟南", "yunzhou": "鄆州", "xuzhou": "徐州", "shouzhou": "壽州", "xiangyang": "襄陽",
    "yangzhou": "揚州", "jiankang": "建康", "linan": "臨安", "xingqing": "興慶",
}

# a, b, kind ("Road", "Pass", "River", "Sea"), optional fixed days
C = [
    # Manchuria
    ("huining", "ningjiang", "Road"), ("huining", "huanglong", "Road"), ("ningjiang", "huanglong", "Road"),
    ("huanglong", "liao_eastern", "Road"), ("huanglong", "liao_supreme", "Road"), ("liao_eastern", "suzhou_liaodong", "Road"),
    ("liao_eastern", "xingzhong", "Road"), ("liao_supreme", "liao_central", "Road"), ("liao_central", "xingzhong", "Road"),
    ("xingzhong", "pingzhou", "Road"), ("liao_central", "pingzhou", "Pass"), ("liao_central", "tanzhou", "Pass"),
    ("liao_supreme", "wuzhou", "Road"), ("liao_central", "wuzhou", "Road"),
    # The Sixteen Prefectures
    ("pingzhou", "jizhou", "Road"), ("jizhou", "shunzhou", "Road"), ("jizhou", "tanzhou", "Road"), ("shunzhou", "yanjing", "Road"),
    ("tanzhou", "yanjing", "Road"), ("yanjing", "juyong", "Pass"), ("juyong", "guizhou", "Pass"), ("guizhou", "wuzhou", "Road"),
    ("wuzhou", "datong", "Road"), ("guizhou", "weizhou", "Road"), ("yanjing", "zhuozhou", "Road"), ("zhuozhou", "yizhou", "Road"),
    ("yizhou", "weizhou", "Pass"), ("weizhou", "yingzhou", "Road"), ("weizhou", "daizhou", "Road"), ("datong", "yingzhou", "Road"),
    ("datong", "shuozhou", "Road"), ("yingzhou", "shuozhou", "Road"),
    # The Baigou line into Hebei
    ("zhuozhou", "xiongzhou", "River"), ("zhuozhou", "bazhou", "River"), ("yizhou", "baozhou", "River"), ("jizhou", "bazhou", "Road"),
    ("xiongzhou", "bazhou", "Road"), ("xiongzhou", "baozhou", "Road"), ("xiongzhou", "hejian", "Road"), ("bazhou", "cangzhou", "Road"),
    ("baozhou", "zhongshan", "Road"), ("hejian", "zhongshan", "Road"), ("hejian", "cangzhou", "Road"), ("zhongshan", "zhending", "Road"),
    ("hejian", "daming", "Road"), ("cangzhou", "jinan", "River"), ("zhending", "xingzhou", "Road"), ("xingzhou", "daming", "Road"),
    ("xingzhou", "xiangzhou", "Road"), ("daming", "xiangzhou", "Road"), ("daming", "yunzhou", "River"),
    # Hedong
    ("shuozhou", "daizhou", "Pass"), ("yingzhou", "daizhou", "Pass"), ("daizhou", "xinzhou", "Road"), ("xinzhou", "taiyuan", "Road"),
    ("taiyuan", "fenzhou", "Road"), ("taiyuan", "longde", "Pass"), ("taiyuan", "zhending", "Pass"), ("xinzhou", "zhongshan", "Pass"),
    ("fenzhou", "jiangzhou", "Road"), ("longde", "jiangzhou", "Road"), ("longde", "xiangzhou", "Pass"), ("jiangzhou", "luoyang", "River"),
    ("fenzhou", "yanan", "River"),
    # Shaanxi and the west
    ("jingzhao", "yanan", "Road"), ("jingzhao", "fengxiang", "Road"), ("jingzhao", "luoyang", "Road"), ("jingzhao", "jiangzhou", "River"),
    ("yanan", "xingqing", "Road"), ("fengxiang", "xingqing", "Road"), ("jingzhao", "xiangyang", "Pass"),
    # Henan: the Yellow River crossings before Kaifeng
    ("xiangzhou", "huazhou", "Road"), ("huazhou", "kaifeng", "River"), ("huazhou", "zhengzhou", "River"), ("daming", "huazhou", "Road"),
    ("kaifeng", "zhengzhou", "Road"), ("zhengzhou", "luoyang", "Road"), ("kaifeng", "yingchang", "Road"), ("kaifeng", "yingtianfu", "Road"),
    ("yingchang", "luoyang", "Road"), ("yingchang", "xiangyang", "Road"), ("yingchang", "shouzhou", "Road"), ("yunzhou", "kaifeng", "River"),
    # Shandong
    ("yunzhou", "jinan", "Road"), ("jinan", "qingzhou", "Road"), ("qingzhou", "dengzhou", "Road"), ("yunzhou", "xuzhou", "Road"),
    ("yingtianfu", "xuzhou", "Road"), ("yingtianfu", "yunzhou", "Road"), ("qingzhou", "xuzhou", "Road"),
    # The south
    ("xuzhou", "yangzhou", "River"), ("yingtianfu", "shouzhou", "Road"), ("shouzhou", "jiankang", "Road"), ("yangzhou", "jiankang", "River"),
    ("jiankang", "linan", "Road"), ("yangzhou", "linan", "River"), ("xiangyang", "shouzhou", "Road"),
    # Across the Bohai: the envoys' sea lane, and the coast road by sea
    ("dengzhou", "suzhou_liaodong", "Sea", 20), ("dengzhou", "pingzhou", "Sea", 30),
]

TERRAINS = """    terrains: [
        // move_cost: marching; defence: the owner's power in battle; mounted: horsemen's power; forage.
        Terrain(id: "plains", name: "Plains", move_cost: 1.0, defence: 1.0, mounted: 1.25, forage: 1.0),
        Terrain(id: "steppe", name: "Steppe", move_cost: 0.9, defence: 0.9, mounted: 1.4, forage: 0.6),
        Terrain(id: "forest", name: "Forest", move_cost: 1.4, defence: 1.2, mounted: 0.8, forage: 0.6),
        Terrain(id: "hills", name: "Hills", move_cost: 1.4, defence: 1.25, mounted: 0.85, forage: 0.7),
        Terrain(id: "mountains", name: "Mountains", move_cost: 2.0, defence: 1.6, mounted: 0.6, forage: 0.4),
        Terrain(id: "marsh", name: "Marsh and water meadows", move_cost: 1.6, defence: 1.4, mounted: 0.6, forage: 0.8),
        Terrain(id: "city", name: "Great city", move_cost: 1.0, defence: 1.2, mounted: 0.8, forage: 1.3),
    ],"""

LINES = [
    ("Coast", "Coast of the Bohai and the Yellow Sea", [(124.3, 39.9), (123.0, 39.6), (121.6, 38.9), (121.2, 38.8), (121.5, 39.5), (122.1, 40.4), (122.2, 40.7), (121.0, 40.9), (120.0, 40.3), (119.5, 39.9), (118.9, 39.3), (118.0, 39.1), (117.7, 39.0), (117.6, 38.6), (117.9, 38.0), (118.3, 37.6), (118.9, 37.3), (119.4, 37.1), (120.0, 37.4), (120.7, 37.8), (121.4, 37.6), (122.5, 37.4), (122.0, 36.9), (120.9, 36.4), (120.3, 36.0), (119.5, 35.3), (119.2, 34.6), (120.3, 33.3), (120.9, 32.6), (121.8, 31.8), (121.9, 31.0), (121.0, 30.6), (120.4, 30.3), (121.5, 30.0), (122.0, 29.9)]),
    ("River", "Yellow River (northern course)", [(106.3, 38.5), (106.5, 39.5), (107.0, 40.8), (109.5, 40.5), (111.2, 40.3), (111.0, 39.5), (110.5, 37.5), (110.5, 36.5), (110.3, 34.6), (112.4, 34.85), (113.6, 34.95), (114.6, 35.5), (115.0, 36.0), (115.6, 36.6), (116.0, 37.3), (116.4, 38.0), (116.9, 38.6), (117.6, 39.0)]),
    ("River", "Huai River", [(113.5, 32.5), (115.0, 32.5), (116.8, 32.6), (118.0, 33.0), (119.0, 33.4), (119.8, 33.6), (120.3, 34.0)]),
    ("River", "Yangtze (lower course)", [(112.0, 30.3), (114.3, 30.6), (115.9, 29.7), (117.0, 30.5), (118.4, 31.3), (118.8, 32.1), (119.4, 32.2), (120.5, 32.0), (121.8, 31.6)]),
    ("Border", "Baigou River (the Song-Liao border)", [(114.9, 39.3), (115.5, 39.2), (116.1, 39.1), (116.8, 39.0), (117.5, 38.9)]),
]

def km(a, b):
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))

def main():
    pos = {}
    out = ["// North China, 1115-1127: the map every historical scenario includes. Generated by",
           "// tools/gen_north_china.py (edit the tables there and rerun). Owners are set by each scenario.",
           "// Figures are design estimates: population in people, wealth in thousand taels a month,",
           "// grain in units that feed a thousand people a month, walls 0-10, garrisons in men.",
           "(", TERRAINS, "    provinces: ["]
    for row in P:
        if len(row) == 1:
            out.append(f"        // {row[0][2:]}")
            continue
        pid, name, lon, lat, terrain, pop, wealth, walls, garrison, loyalty, months = row
        pos[pid] = (lon, lat)
        assert pid in NATIVE, pid
        grain = round(months * (garrison / 1000 + pop / 1000 * 0.25))
        out.append(f'        Province(id: "{pid}", name: "{name}", native_name: "{NATIVE[pid]}", position: ({lon}, {lat}), terrain: "{terrain}", owner: None,')
        out.append(f'            population: {pop}, wealth: {wealth}, grain: {grain}, walls: {walls}, garrison: {garrison}, loyalty: {loyalty}),')
    out.append("    ],")
    out.append("    connections: [")
    seen = set()
    for c in C:
        a, b, kind = c[:3]
        assert a in pos and b in pos, (a, b)
        key = tuple(sorted((a, b)))
        assert key not in seen, key
        seen.add(key)
        if len(c) > 3:
            days = c[3]
        else:
            factor = {"Road": 1.25, "River": 1.35, "Pass": 1.6}[kind]
            days = max(2, round(km(pos[a], pos[b]) * factor / 25))
        out.append(f'        Connection(from: "{a}", to: "{b}", kind: {kind}, days: {days}),')
    out.append("    ],")
    out.append("    lines: [")
    for kind, name, pts in LINES:
        points = ", ".join(f"({x}, {y})" for x, y in pts)
        out.append(f'        Line(name: "{name}", kind: {kind}, points: [{points}]),')
    out.append("    ],")
    out.append(")")
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "scenarios", "maps", "north_china.ron")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"{len(pos)} provinces, {len(seen)} connections, {len(LINES)} lines -> {os.path.normpath(path)}")

main()
