//! The map: provinces as cells around their cities coloured by owner, the sea, coast and rivers,
//! city markers and names, army counters, sieges, the selected army's road; hovering and clicking.
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::Screen;
use super::camera::{Cursor, MapClick, fit};
use super::geometry::{self, MapShapes, Point};
use super::palette::{self, BEYOND, BORDER_INK, INK, NO_OWNER, SEA};
use super::session::{Session, UiAction, click_action};
use crate::scenario::{ConnectionKind, LineKind, Pattern};
use crate::sim::{ArmyIx, FactionIx, ProvinceIx};

/// The drawn map's shapes, computed once per campaign.
#[derive(Resource)]
pub struct MapLayout {
    /// Each province's city, in world units.
    pub sites: Vec<Vec2>,
    pub shapes: MapShapes,
}

impl MapLayout {
    /// The province whose land holds `at`; none over the sea or beyond the known world.
    pub fn province_at(&self, at: Vec2) -> Option<ProvinceIx> {
        self.shapes.province_at([at.x, at.y]).map(ProvinceIx::new)
    }
}

/// What the cursor is over.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub struct Hovered {
    pub province: Option<ProvinceIx>,
    pub army: Option<ArmyIx>,
}

/// Whether city names on the map carry their names in the script of their time ("Kaifeng 開封").
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NativeNames(pub bool);

/// How provinces are coloured.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Overlay {
    /// Each province in its owner's colour.
    #[default]
    #[value(name = "political")]
    Owners,
    /// How far each province is from the player's supply (green in supply, red beyond reach).
    Supply,
    /// How loyal each province's people are to their ruler (red restless, green loyal).
    Loyalty,
    /// How each province's owner stands towards the faction looked from (see [`Overlay::viewer`]):
    /// its own, at war, or by opinion.
    Relations,
}

impl Overlay {
    /// The mode a key or button switches to from `self`: `mode`, or back to owners if it is on.
    pub fn toggled(self, mode: Overlay) -> Overlay {
        if self == mode { Overlay::Owners } else { mode }
    }

    /// The faction the relations mode looks from: the player's, else the selected army's owner,
    /// else the owner of the province looked at.
    pub fn viewer(session: &Session) -> Option<FactionIx> {
        session
            .player()
            .or_else(|| session.selected.and_then(|a| session.view.army(a)).map(|a| a.owner))
            .or_else(|| session.province.and_then(|p| session.view.provinces[p.get()].owner))
    }

    /// What the colours mean, for the legend: a colour and its words.
    pub fn legend(self) -> Vec<(Color, &'static str)> {
        match self {
            Overlay::Owners => Vec::new(),
            Overlay::Supply => vec![
                (supply_colour(Some(0)), "supplied"),
                (supply_colour(Some(1)), "one road out"),
                (supply_colour(Some(2)), "at the edge"),
                (supply_colour(None), "beyond reach"),
            ],
            Overlay::Loyalty => vec![
                (loyalty_colour(90.0), "loyal"),
                (loyalty_colour(50.0), "wavering"),
                (loyalty_colour(10.0), "restless"),
                (NO_OWNER.bevy(), "nobody's"),
            ],
            Overlay::Relations => vec![
                (OWN, "its own"),
                (opinion_colour(80.0), "friendly"),
                (opinion_colour(0.0), "indifferent"),
                (opinion_colour(-80.0), "hostile"),
                (AT_WAR, "at war"),
            ],
        }
    }
}

/// The viewer's own land, in the relations mode: violet, so the rivers' blue still shows on it.
const OWN: Color = Color::srgb(0.58, 0.44, 0.74);
/// An enemy's land, in the relations mode.
const AT_WAR: Color = Color::srgb(0.55, 0.05, 0.05);

/// Red for restless people (loyalty 0), through yellow, to green for loyal ones (100).
fn loyalty_colour(loyalty: f64) -> Color {
    let t = (loyalty / 100.0).clamp(0.0, 1.0) as f32;
    Color::srgb(0.85 - 0.5 * t, 0.3 + 0.45 * t, 0.25 + 0.1 * t)
}

/// Red for a hostile owner (opinion -100), through grey, to green for a friendly one (+100).
fn opinion_colour(opinion: f64) -> Color {
    let t = ((opinion + 100.0) / 200.0).clamp(0.0, 1.0) as f32;
    Color::srgb(0.85 - 0.5 * t, 0.35 + 0.4 * t, 0.3 + 0.05 * t)
}

/// A province's cell.
#[derive(Component)]
struct Cell(ProvinceIx);

/// Something drawn at the same size on screen whatever the zoom, at `anchor` plus `offset` pixels.
#[derive(Component, Clone, Copy)]
struct ScreenSized {
    anchor: Vec2,
    offset: Vec2,
}

impl ScreenSized {
    /// Its box in world units at the camera's `scale`, for something `size` pixels wide and high.
    fn bounds(&self, size: Vec2, scale: f32) -> Rect {
        Rect::from_center_size(self.anchor + self.offset * scale, size * scale)
    }
}

/// Something a city's name must never be drawn under (an army counter, a siege card): names that
/// would overlap it are hidden. Its size on screen, in pixels.
#[derive(Component, Clone, Copy)]
struct Obstacle(Vec2);

/// Where a city's name sits, from its dot, in pixels: under it, clear of a siege's ring.
const LABEL_OFFSET: Vec2 = Vec2::new(0.0, -19.0);
/// A city's marker (a walled city's square), in pixels.
const MARKER_PX: f32 = 9.0;
/// Room kept around a name, in pixels.
const LABEL_MARGIN: f32 = 4.0;
/// An army counter's frame, in pixels.
const COUNTER_SIZE: Vec2 = Vec2::new(40.0, 22.0);
/// Where a siege's card sits, from the city's dot, in pixels: under the city's name, not on it.
const SIEGE_CARD_OFFSET: Vec2 = Vec2::new(0.0, -40.0);

/// The letters' size of a city's name: capitals largest, then walled cities.
fn label_px(capital: bool, walled: bool) -> f32 {
    if capital {
        17.0
    } else if walled {
        15.0
    } else {
        13.0
    }
}

/// Which names give way to which where they would overlap: capitals first, then walled cities,
/// then by people.
fn label_priority(capital: bool, walled: bool, population: i64) -> f64 {
    f64::from(u8::from(capital)) * 1e9 + f64::from(u8::from(walled)) * 1e8 + population as f64
}

/// Which side of its city a row of army counters stands on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Above,
    Right,
    Left,
}

/// The sides a row of counters may take, the most natural first.
const SIDES: [Side; 3] = [Side::Above, Side::Right, Side::Left];

/// Where the `k`th of `n` army counters at a city sits, from its dot, in pixels: in a row above
/// it, or running right or left from it, clear of the dot and of the city's own name below.
fn counter_offset(k: usize, n: usize, side: Side) -> Vec2 {
    let step = COUNTER_SIZE.x + 2.0;
    let aside = 8.0 + COUNTER_SIZE.x / 2.0 + k as f32 * step;
    match side {
        Side::Above => Vec2::new((k as f32 - (n as f32 - 1.0) / 2.0) * step, 22.0),
        Side::Right => Vec2::new(aside, 8.0),
        Side::Left => Vec2::new(-aside, 8.0),
    }
}

/// The side each city's row of counters stands on at the camera's `scale`, so that counters
/// cover as few names as they can, the important names least, and never each other: `groups`
/// are each city's dot and its number of counters, `labels` every name's priority and box, and
/// `fixed` what a counter should not cover either (siege cards). Rows with the most counters
/// choose first.
fn place_counters(groups: &[(Vec2, usize)], labels: &[(f64, Rect)], fixed: &[Rect], scale: f32) -> Vec<Side> {
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| std::cmp::Reverse(groups[g].1));
    let mut sides = vec![Side::Above; groups.len()];
    let mut placed: Vec<Rect> = fixed.to_vec();
    // A city's dot, which a counter must not hide either.
    let dots: Vec<Rect> = groups.iter().map(|(at, _)| Rect::from_center_size(*at, Vec2::splat(10.0 * scale))).collect();
    for g in order {
        let (anchor, n) = groups[g];
        let rects = |side: Side| -> Vec<Rect> {
            (0..n)
                .map(|k| ScreenSized { anchor, offset: counter_offset(k, n, side) }.bounds(COUNTER_SIZE, scale))
                .collect()
        };
        let cost = |side: Side| -> f64 {
            let rects = rects(side);
            let hits = |r: &Rect| rects.iter().filter(|c| !c.intersect(*r).is_empty()).count() as f64;
            let names: f64 = labels.iter().map(|(priority, r)| hits(r) * priority.max(10.0).log10()).sum();
            let blocked: f64 = placed.iter().chain(dots.iter().take(g)).chain(dots.iter().skip(g + 1)).map(hits).sum();
            names + 1000.0 * blocked + SIDES.iter().position(|s| *s == side).unwrap_or(0) as f64 * 0.5
        };
        let best = SIDES.into_iter().min_by(|a, b| cost(*a).total_cmp(&cost(*b))).unwrap_or(Side::Above);
        sides[g] = best;
        placed.extend(rects(best));
    }
    sides
}

/// What a siege's card says: "siege 3 mo, breach 33%, starving".
fn siege_text(siege: &crate::sim::SiegeView) -> String {
    let hunger = if siege.starving > 0 { ", starving" } else { "" };
    format!("siege {} mo, breach {:.0}%{hunger}", siege.months, siege.breach * 100.0)
}

/// A siege card's size in pixels, for its `text`.
fn siege_card_size(text: &str) -> Vec2 {
    Vec2::new(text.chars().count() as f32 * 6.4 + 8.0, 16.0)
}

/// A city's name, as its province is called now. Where names would overlap on screen, the more
/// important city's is shown.
#[derive(Component)]
struct CityLabel {
    province: ProvinceIx,
    /// Capitals first, then walled cities, then by people.
    priority: f64,
    /// The letters' size, in pixels.
    px: f32,
    /// Width and height on screen, in pixels.
    size: Vec2,
}

impl CityLabel {
    /// How a province's name is lettered on the map: without what follows it in brackets
    /// ("Yanjing (Liao Southern Capital)" is "Yanjing").
    fn text(name: &str) -> &str {
        name.split(" (").next().unwrap_or(name)
    }

    /// Width and height on screen of `text` followed by `native` at `px`: Ubuntu's letters
    /// average about half the font size in width, Chinese characters a whole one.
    fn size_of(text: &str, native: &str, px: f32) -> Vec2 {
        let width = |c: char| if c.is_ascii() { 0.52 } else { 1.0 };
        Vec2::new(text.chars().chain(native.chars()).map(width).sum::<f32>() * px, px * 1.2)
    }
}

/// Things redrawn when the campaign changes: army counters and siege marks.
#[derive(Component)]
struct Transient;

/// An army's counter.
#[derive(Component)]
struct Counter(ArmyIx);

/// A counter's place in its city's row: the `k`th of `n`.
#[derive(Component, Clone, Copy)]
struct CounterSlot {
    k: usize,
    n: usize,
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Hovered>().init_resource::<Overlay>().init_resource::<NativeNames>();
    app.add_systems(OnEnter(Screen::Playing), spawn_map);
    app.add_systems(OnExit(Screen::Playing), |mut commands: Commands| {
        commands.remove_resource::<MapLayout>();
        commands.remove_resource::<MapFont>();
        commands.remove_resource::<Session>();
    });
    app.add_systems(
        Update,
        (
            hover,
            clicks_to_actions,
            (colour_cells, redraw_counters_and_sieges)
                .run_if(resource_exists_and_changed::<Session>.or_eager(resource_changed::<Overlay>)),
            rename_cities.run_if(resource_exists_and_changed::<Session>.or_eager(resource_changed::<NativeNames>)),
            keep_screen_size,
            draw_selected_road,
        )
            .chain()
            .run_if(in_state(Screen::Playing))
            .run_if(resource_exists::<MapLayout>)
            .run_if(resource_exists::<MapFont>),
    );
}

/// A faction's colour, from the scenario's `#rrggbb`.
pub fn faction_colour(session: &Session, faction: Option<FactionIx>) -> Color {
    let scenario = &session.sim().data().scenario;
    palette::faction(faction.and_then(|f| scenario.factions.get(f.get())).map(|f| f.colour.as_str()))
}

fn mesh_of(vertices: &[Point], indices: Vec<u32>) -> Mesh {
    let positions: Vec<[f32; 3]> = vertices.iter().map(|p| [p[0], p[1], 0.0]).collect();
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_indices(Indices::U32(indices))
}

/// The map's lettering: Ubuntu Light, which the window already carries for its panels, and the
/// CJK subset for names in the script of their time.
#[derive(Resource, Clone)]
struct MapFont {
    latin: Handle<Font>,
    cjk: Handle<Font>,
}

/// How the map draws each kind of terrain's marks: their size and spacing, in degrees, and ink.
fn mark_style(pattern: Pattern) -> (f32, f32, Color) {
    let brown = |a| Color::srgba(0.28, 0.2, 0.12, a);
    match pattern {
        Pattern::Mountains => (0.24, 0.27, brown(0.55)),
        Pattern::Hills => (0.2, 0.3, brown(0.45)),
        Pattern::Steppe => (0.13, 0.3, Color::srgba(0.3, 0.35, 0.12, 0.45)),
        Pattern::Forest => (0.15, 0.26, Color::srgba(0.1, 0.3, 0.12, 0.5)),
        Pattern::Marsh => (0.17, 0.28, Color::srgba(0.15, 0.3, 0.5, 0.55)),
        Pattern::Desert => (0.17, 0.32, brown(0.35)),
        Pattern::Plain => (0.0, 1.0, Color::NONE),
    }
}

/// Width of a river, a wall or a border drawn with `importance` 1-3, in world units.
fn line_width(kind: LineKind, importance: i64) -> f32 {
    let step = importance.clamp(1, 3) as f32 - 1.0;
    match kind {
        LineKind::River => 2.2 + 1.6 * step,
        LineKind::Wall => 2.5 + 1.0 * step,
        LineKind::Coast | LineKind::Border | LineKind::Frame => 2.0 + 0.5 * step,
    }
}

/// Where the map's shapes are drawn: the commands that spawn them and the assets they are made of.
struct Canvas<'a, 'w, 's> {
    commands: &'a mut Commands<'w, 's>,
    meshes: &'a mut Assets<Mesh>,
    materials: &'a mut Assets<ColorMaterial>,
}

impl Canvas<'_, '_, '_> {
    /// A mesh entity of `points` and `triangles` in one colour, `z` deep.
    fn shape(&mut self, (points, triangles): (Vec<Point>, Vec<u32>), colour: Color, z: f32) {
        if triangles.is_empty() {
            return;
        }
        self.commands.spawn((
            Mesh2d(self.meshes.add(mesh_of(&points, triangles))),
            MeshMaterial2d(self.materials.add(ColorMaterial::from(colour))),
            Transform::from_xyz(0.0, 0.0, z),
            DespawnOnExit(Screen::Playing),
        ));
    }
}

fn spawn_map(
    mut commands: Commands,
    (session, launch): (Res<Session>, Res<super::Launch>),
    mut fonts: ResMut<Assets<Font>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<ColorMaterial>>,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&mut Transform, &mut Projection), With<Camera2d>>,
) {
    let scenario = &session.sim().data().scenario;
    let shapes = MapShapes::new(scenario);
    let font = MapFont {
        latin: fonts.add(Font::from_bytes(epaint_default_fonts::UBUNTU_LIGHT.to_vec())),
        cjk: fonts.add(Font::from_bytes(super::fonts::CJK_FONT.to_vec())),
    };
    commands.insert_resource(font.clone());
    let mut canvas = Canvas { commands: &mut commands, meshes: &mut meshes, materials: &mut materials };
    spawn_land(&mut canvas, scenario, &shapes);
    spawn_sea_and_beyond(&mut canvas, &shapes);
    spawn_lines(&mut canvas, scenario, &shapes);
    spawn_roads(&mut canvas, &session, &shapes);
    spawn_cities(&mut canvas, &session, &shapes, &font);
    // Show the whole map, or the part the command line asked for.
    let frame = shapes.frame;
    let (mut transform, mut camera_projection) = camera.into_inner();
    let mut centre = Vec2::new((frame.min[0] + frame.max[0]) / 2.0, (frame.min[1] + frame.max[1]) / 2.0);
    let mut size = Vec2::new(frame.max[0] - frame.min[0], frame.max[1] - frame.min[1]);
    if let Some(look) = launch.look {
        if let Some(point) = look.centre {
            centre = Vec2::from(shapes.projection.project(point));
        }
        size /= look.zoom.max(0.1);
    }
    // The side panel (340 px) and the top bar (about 30 px) cover part of the window: centre the
    // map in what is left.
    let panels = Vec2::new(340.0, 30.0);
    fit(&mut transform, &mut camera_projection, centre, size, window.size() - panels);
    if let Projection::Orthographic(o) = &*camera_projection {
        transform.translation.x += panels.x / 2.0 * o.scale;
        transform.translation.y += panels.y / 2.0 * o.scale;
    }
    let sites = shapes.sites.iter().map(|s| Vec2::from(*s)).collect();
    commands.insert_resource(MapLayout { sites, shapes });
}

/// Provinces, coloured later by [`colour_cells`], with their terrain's marks and their borders.
/// Hand-drawn outlines lie over the computed cells.
fn spawn_land(canvas: &mut Canvas, scenario: &crate::scenario::Scenario, shapes: &MapShapes) {
    let degree = shapes.units_per_degree();
    let mut marks: std::collections::BTreeMap<(bool, Pattern), Vec<Vec<Point>>> = Default::default();
    for (i, (cell, province)) in shapes.cells.iter().zip(&scenario.provinces).enumerate() {
        if cell.len() < 3 {
            continue;
        }
        let outlined = shapes.outlined[i];
        let z = if outlined { 1.2 } else { 0.0 };
        let triangles = if outlined { geometry::triangulate(cell) } else { geometry::fan(cell.len()) };
        canvas.commands.spawn((
            Mesh2d(canvas.meshes.add(mesh_of(cell, triangles))),
            MeshMaterial2d(canvas.materials.add(ColorMaterial::from(Color::WHITE))),
            Transform::from_xyz(0.0, 0.0, z),
            Cell(ProvinceIx::new(i)),
            DespawnOnExit(Screen::Playing),
        ));
        let mut ring = cell.clone();
        ring.push(cell[0]);
        canvas.shape(geometry::thick_line(&ring, 1.6), BORDER_INK.bevy(), if outlined { 1.3 } else { 1.0 });
        let pattern = scenario.terrains.iter().find(|t| t.id == province.terrain).map_or(Pattern::Plain, |t| t.pattern);
        let (size, spacing, _) = mark_style(pattern);
        if pattern != Pattern::Plain {
            let spots = geometry::mark_spots(cell, shapes.sites[i], spacing * degree, 0.3 * degree);
            let spots: Vec<Point> = spots.into_iter().filter(|p| shapes.is_land(*p)).collect();
            let glyph = geometry::glyph(pattern);
            marks.entry((outlined, pattern)).or_default().extend(geometry::stamp(&glyph, &spots, size * degree));
        }
    }
    for ((outlined, pattern), strokes) in marks {
        let (_, _, ink) = mark_style(pattern);
        let z = if outlined { 1.25 } else { 0.5 };
        canvas.shape(geometry::strokes(&strokes, 0.026 * degree), ink, z);
    }
}

/// The lands beyond the known world, and the sea over everything.
fn spawn_sea_and_beyond(canvas: &mut Canvas, shapes: &MapShapes) {
    // The lands beyond hide the cells' far parts; the sea is sea on both sides of the frame.
    let reach = geometry::REACH_DEGREES * shapes.units_per_degree();
    canvas.shape(geometry::beyond(&shapes.world, &shapes.frame, reach), BEYOND.bevy(), 2.8);
    let mut edge = shapes.world.clone();
    edge.extend(shapes.world.first().copied());
    canvas.shape(geometry::thick_line(&edge, 2.5), BORDER_INK.bevy(), 2.85);
    for sea in &shapes.seas {
        let triangles = geometry::triangulate(sea);
        canvas.shape((sea.clone(), triangles), SEA.bevy(), 2.9);
    }
}

/// Coasts, rivers by their importance, walls with their battlements, borders dashed.
fn spawn_lines(canvas: &mut Canvas, scenario: &crate::scenario::Scenario, shapes: &MapShapes) {
    let degree = shapes.units_per_degree();
    for (line, points) in scenario.lines.iter().zip(&shapes.lines) {
        let points = points.clone();
        let width = line_width(line.kind, line.importance);
        let strokes = match line.kind {
            LineKind::Frame => continue,
            LineKind::Border => geometry::dashes(&points, 0.12 * degree, 0.07 * degree),
            LineKind::Wall => {
                let mut strokes = geometry::ticks(&points, 0.09 * degree, 0.05 * degree);
                strokes.push(points.clone());
                strokes
            }
            LineKind::Coast | LineKind::River => vec![points],
        };
        let colour = palette::line_colour(line.kind).bevy();
        canvas.shape(geometry::strokes(&strokes, width), colour, 3.0);
    }
}

/// The ways armies march: roads faint, passes dashed with a gate across them, sea lanes dashed blue.
fn spawn_roads(canvas: &mut Canvas, session: &Session, shapes: &MapShapes) {
    let data = session.sim().data();
    let degree = shapes.units_per_degree();
    let (mut roads, mut passes, mut gates, mut lanes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for c in &data.scenario.connections {
        let (a, b) = (shapes.sites[data.province(&c.from).get()], shapes.sites[data.province(&c.to).get()]);
        match c.kind {
            ConnectionKind::Road | ConnectionKind::River => roads.push(vec![a, b]),
            ConnectionKind::Pass => {
                passes.extend(geometry::dashes(&[a, b], 0.06 * degree, 0.04 * degree));
                gates.extend(pass_gate(a, b, 0.05 * degree));
            }
            ConnectionKind::Sea => lanes.extend(geometry::dashes(&[a, b], 0.1 * degree, 0.08 * degree)),
        }
    }
    let ink = |a| Color::srgba(0.3, 0.2, 0.12, a);
    canvas.shape(geometry::strokes(&roads, 1.2), ink(0.3), 2.6);
    canvas.shape(geometry::strokes(&passes, 1.6), ink(0.6), 2.6);
    canvas.shape(geometry::strokes(&gates, 2.6), ink(0.9), 2.7);
    canvas.shape(geometry::strokes(&lanes, 1.4), Color::srgba(0.1, 0.2, 0.4, 0.5), 2.95);
}

/// A pass's mark halfway along its road: two bars across it, like the walls of a gorge.
fn pass_gate(a: Point, b: Point, size: f32) -> Vec<Vec<Point>> {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let length = (dx * dx + dy * dy).sqrt().max(f32::EPSILON);
    let (ux, uy) = (dx / length, dy / length);
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    [-0.45, 0.45]
        .iter()
        .map(|side| {
            let c = [mid[0] + ux * size * side, mid[1] + uy * size * side];
            vec![[c[0] - uy * size, c[1] + ux * size], [c[0] + uy * size, c[1] - ux * size]]
        })
        .collect()
}

/// Cities: a square for walled ones, a dot for the rest; and their names.
fn spawn_cities(canvas: &mut Canvas, session: &Session, shapes: &MapShapes, font: &MapFont) {
    let scenario = &session.sim().data().scenario;
    let scoped = DespawnOnExit(Screen::Playing);
    let capitals: Vec<&str> = scenario.factions.iter().filter_map(|f| f.capital.as_deref()).collect();
    let square = canvas.meshes.add(Rectangle::new(MARKER_PX, MARKER_PX));
    let dot = canvas.meshes.add(Circle::new(3.5));
    let ink = canvas.materials.add(ColorMaterial::from(Color::srgb(0.15, 0.1, 0.08)));
    for (i, (p, site)) in scenario.provinces.iter().zip(&shapes.sites).enumerate() {
        let ix = ProvinceIx::new(i);
        let walled = p.walls >= 5;
        let anchor = Vec2::from(*site);
        canvas.commands.spawn((
            Mesh2d(if walled { square.clone() } else { dot.clone() }),
            MeshMaterial2d(ink.clone()),
            Transform::from_xyz(site[0], site[1], 4.0),
            ScreenSized { anchor, offset: Vec2::ZERO },
            scoped.clone(),
        ));
        let name = CityLabel::text(&session.view.provinces[ix.get()].name).to_string();
        let capital = capitals.contains(&p.id.as_str());
        let px = label_px(capital, walled);
        let priority = label_priority(capital, walled, p.population);
        let size = CityLabel::size_of(&name, "", px);
        let ink = TextColor(INK.bevy());
        canvas
            .commands
            .spawn((
                Text2d::new(name),
                TextFont { font: font.latin.clone().into(), font_size: FontSize::Px(px), ..default() },
                ink,
                Transform::from_xyz(site[0] + LABEL_OFFSET.x, site[1] + LABEL_OFFSET.y, 5.0),
                ScreenSized { anchor, offset: LABEL_OFFSET },
                CityLabel { province: ix, priority, px, size },
                scoped.clone(),
            ))
            // The native name, shown when the player asks for it (see `rename_cities`).
            .with_child((
                TextSpan::new(""),
                TextFont { font: font.cjk.clone().into(), font_size: FontSize::Px(px), ..default() },
                ink,
            ));
    }
}

fn colour_cells(
    session: Res<Session>,
    overlay: Res<Overlay>,
    cells: Query<(&Cell, &MeshMaterial2d<ColorMaterial>)>,
    mut materials: ResMut<Assets<ColorMaterial>>,
) {
    let reach = match (*overlay, session.player()) {
        (Overlay::Supply, Some(me)) => Some(session.sim().supply_reach(me)),
        _ => None,
    };
    let viewer = Overlay::viewer(&session);
    for (cell, material) in &cells {
        let p = &session.view.provinces[cell.0.get()];
        let colour = match (*overlay, &reach, p.owner, viewer) {
            (Overlay::Supply, Some(reach), ..) => supply_colour(reach[cell.0.get()]),
            (Overlay::Loyalty | Overlay::Relations, _, None, _) => NO_OWNER.bevy(),
            (Overlay::Loyalty, ..) => loyalty_colour(p.loyalty),
            (Overlay::Relations, _, Some(owner), Some(me)) => relation_colour(&session, owner, me),
            _ => {
                let owner = p.owner.map(|f| session.sim().data().scenario.factions[f.get()].colour.as_str());
                // Besieged cities pale, so the siege catches the eye.
                if p.siege.is_some() { palette::faction(owner).mix(&Color::WHITE, 0.35) } else { palette::land(owner) }
            }
        };
        if let Some(mut m) = materials.get_mut(&material.0) {
            m.color = colour;
        }
    }
}

/// How `owner` stands towards `me`: my own land, an enemy's, or a neighbour's by its opinion of me.
fn relation_colour(session: &Session, owner: FactionIx, me: FactionIx) -> Color {
    if owner == me {
        return OWN;
    }
    match session.view.relation(owner, me) {
        Some(r) if r.at_war => AT_WAR,
        Some(r) => opinion_colour(if r.a == owner { r.opinion.0 } else { r.opinion.1 }),
        None => opinion_colour(0.0),
    }
}

/// Letters each city with the name its province goes by now (an event may have renamed it), and
/// with its native name after it when the player asks for native names.
fn rename_cities(
    session: Res<Session>,
    native: Res<NativeNames>,
    mut labels: Query<(&mut CityLabel, &mut Text2d, &Children)>,
    mut spans: Query<&mut TextSpan>,
) {
    let scenario = &session.sim().data().scenario;
    for (mut label, mut text, children) in &mut labels {
        let name = CityLabel::text(&session.view.provinces[label.province.get()].name);
        let native_name = scenario.provinces[label.province.get()].native_name.as_deref().filter(|_| native.0);
        // The space goes with the Latin letters: the CJK subset has no space.
        let name = if native_name.is_some() { format!("{name} ") } else { name.to_owned() };
        let after = native_name.unwrap_or_default().to_owned();
        label.size = CityLabel::size_of(&name, &after, label.px);
        if text.0 != name {
            text.0 = name;
        }
        for child in children.iter() {
            if let Ok(mut span) = spans.get_mut(child)
                && span.0 != after
            {
                span.0.clone_from(&after);
            }
        }
    }
}

/// Green next to supply, yellow at its edge, red beyond its reach.
fn supply_colour(steps: Option<usize>) -> Color {
    match steps {
        Some(0) => Color::srgb(0.35, 0.65, 0.35),
        Some(1) => Color::srgb(0.6, 0.75, 0.35),
        Some(2) => Color::srgb(0.85, 0.75, 0.3),
        Some(_) => Color::srgb(0.9, 0.55, 0.25),
        None => Color::srgb(0.75, 0.3, 0.25),
    }
}

/// Army counters (stacked beside their city) and siege rings, rebuilt when the campaign changes.
fn redraw_counters_and_sieges(
    mut commands: Commands,
    session: Res<Session>,
    font: Res<MapFont>,
    layout: Res<MapLayout>,
    old: Query<Entity, With<Transient>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<ColorMaterial>>,
) {
    for e in &old {
        commands.entity(e).despawn();
    }
    let scoped = DespawnOnExit(Screen::Playing);
    let ring = meshes.add(Annulus::new(11.0, 15.0));
    let red = materials.add(ColorMaterial::from(Color::srgb(0.75, 0.05, 0.05)));
    let parchment = materials.add(ColorMaterial::from(Color::srgba(0.95, 0.92, 0.85, 0.9)));
    for p in &session.view.provinces {
        let Some(siege) = p.siege else { continue };
        let anchor = layout.sites[p.ix.get()];
        commands.spawn((
            Mesh2d(ring.clone()),
            MeshMaterial2d(red.clone()),
            Transform::from_xyz(anchor.x, anchor.y, 6.0),
            ScreenSized { anchor, offset: Vec2::ZERO },
            Transient,
            scoped.clone(),
        ));
        let text = siege_text(&siege);
        // A pale card under the words, so they read on any faction's colour.
        let card_size = siege_card_size(&text);
        let card = meshes.add(Rectangle::new(card_size.x, card_size.y));
        let at = anchor + SIEGE_CARD_OFFSET;
        commands
            .spawn((
                Mesh2d(card),
                MeshMaterial2d(parchment.clone()),
                Transform::from_xyz(at.x, at.y, 6.4),
                ScreenSized { anchor, offset: SIEGE_CARD_OFFSET },
                Obstacle(card_size),
                Visibility::default(),
                Transient,
                scoped.clone(),
            ))
            // The words ride on the card: hidden with it, scaled with it.
            .with_child((
                Text2d::new(text),
                TextFont { font: font.latin.clone().into(), font_size: FontSize::Px(12.0), ..default() },
                TextColor(Color::srgb(0.6, 0.0, 0.0)),
                Transform::from_xyz(0.0, 0.0, 0.1),
            ));
    }
    let box_mesh = meshes.add(Rectangle::new(COUNTER_SIZE.x - 4.0, COUNTER_SIZE.y - 4.0));
    let frame_mesh = meshes.add(Rectangle::new(COUNTER_SIZE.x, COUNTER_SIZE.y));
    let dark = materials.add(ColorMaterial::from(Color::srgb(0.08, 0.06, 0.05)));
    let gold = materials.add(ColorMaterial::from(Color::srgb(1.0, 0.85, 0.2)));
    for (province, armies) in armies_by_province(&session.view) {
        let anchor = layout.sites[province.get()];
        for (k, army) in armies.iter().enumerate() {
            let offset = counter_offset(k, armies.len(), Side::Above);
            let a = session.view.army(*army).expect("listed from the view");
            let selected = session.selected == Some(*army);
            let fill = materials.add(ColorMaterial::from(faction_colour(&session, Some(a.owner))));
            commands
                .spawn((
                    Transform::from_xyz(anchor.x + offset.x, anchor.y + offset.y, 7.0),
                    Visibility::default(),
                    ScreenSized { anchor, offset },
                    Obstacle(COUNTER_SIZE),
                    Counter(*army),
                    CounterSlot { k, n: armies.len() },
                    Transient,
                    scoped.clone(),
                ))
                .with_children(|c| {
                    c.spawn((
                        Mesh2d(frame_mesh.clone()),
                        MeshMaterial2d(if selected { gold.clone() } else { dark.clone() }),
                        Transform::from_xyz(0.0, 0.0, 0.0),
                    ));
                    c.spawn((Mesh2d(box_mesh.clone()), MeshMaterial2d(fill), Transform::from_xyz(0.0, 0.0, 0.1)));
                    c.spawn((
                        Text2d::new(strength(a.men())),
                        TextFont { font: font.latin.clone().into(), font_size: FontSize::Px(13.0), ..default() },
                        TextColor(Color::WHITE),
                        Transform::from_xyz(0.0, 0.0, 0.2),
                    ));
                });
        }
    }
}

/// The armies in the field grouped by province, both in scenario order.
fn armies_by_province(view: &crate::sim::GameView) -> Vec<(ProvinceIx, Vec<ArmyIx>)> {
    let mut groups: std::collections::BTreeMap<ProvinceIx, Vec<ArmyIx>> = Default::default();
    for a in &view.armies {
        groups.entry(a.location).or_default().push(a.ix);
    }
    groups.into_iter().collect()
}

/// "45k", "800": an army's men as its counter shows them.
pub fn strength(men: f64) -> String {
    if men >= 1000.0 { format!("{:.0}k", men / 1000.0) } else { format!("{men:.0}") }
}

/// Something drawn at one size on screen: where, its transform, whether it is a city's name,
/// something names keep clear of, or a counter in a row.
type SizedItem<'a> = (
    &'a mut ScreenSized,
    &'a mut Transform,
    Option<&'a CityLabel>,
    Option<&'a Obstacle>,
    Option<&'a CounterSlot>,
    &'a mut Visibility,
);

/// Keeps counters, markers and names the same size on screen at any zoom, stands each city's
/// counters where they cover the fewest names, and shows only the names that overlap neither a
/// counter nor a more important name.
fn keep_screen_size(camera: Single<&Projection, With<Camera2d>>, mut sized: Query<SizedItem>) {
    let Projection::Orthographic(o) = *camera else { return };
    let scale = o.scale.clamp(0.4, 2.5);
    let mut labels = Vec::new();
    let mut markers = Vec::new();
    let mut cards: Vec<Rect> = Vec::new();
    let mut groups: Vec<(Vec2, usize)> = Vec::new();
    for (s, _, label, obstacle, slot, _) in &sized {
        match (label, obstacle, slot) {
            (Some(label), ..) => {
                labels.push((label.priority, s.bounds(label.size + Vec2::splat(LABEL_MARGIN), scale)));
                markers.push(s.anchor);
            }
            (_, Some(_), Some(slot)) if slot.k == 0 => groups.push((s.anchor, slot.n)),
            (_, Some(Obstacle(size)), None) => cards.push(s.bounds(*size, scale)),
            _ => {}
        }
    }
    // Of two siege cards that would overlap, the first is shown: its city keeps its red ring.
    let card_boxes: Vec<(f64, Rect)> = cards.iter().map(|c| (0.0, *c)).collect();
    let cards_shown = declutter(&card_boxes, &[], &[]);
    let fixed: Vec<Rect> = cards.iter().zip(&cards_shown).filter(|(_, shown)| **shown).map(|(c, _)| *c).collect();
    let sides = place_counters(&groups, &labels, &fixed, scale);
    let mut obstacles = Vec::new();
    let mut card = 0;
    for (mut s, mut transform, label, obstacle, slot, mut visibility) in &mut sized {
        if let Some(slot) = slot {
            let side = groups.iter().position(|(at, _)| *at == s.anchor).map_or(Side::Above, |g| sides[g]);
            s.offset = counter_offset(slot.k, slot.n, side);
        }
        let at = s.anchor + s.offset * scale;
        transform.translation = at.extend(transform.translation.z);
        transform.scale = Vec3::splat(scale);
        let is_card = label.is_none() && slot.is_none();
        if let Some(Obstacle(size)) = obstacle {
            if is_card {
                let shown = cards_shown.get(card).copied().unwrap_or(true);
                card += 1;
                *visibility = if shown { Visibility::Inherited } else { Visibility::Hidden };
                if !shown {
                    continue;
                }
            }
            obstacles.push(s.bounds(*size, scale));
        }
    }
    // No name over the marker of a city that matters as much (its own lies above it, clear of it).
    let markers: Vec<(f64, Rect)> = (labels.iter().zip(&markers))
        .map(|((priority, _), at)| (*priority, Rect::from_center_size(*at, Vec2::splat(MARKER_PX) * scale)))
        .collect();
    let shown = declutter(&labels, &obstacles, &markers);
    let mut k = 0;
    for (_, _, label, _, _, mut visibility) in &mut sized {
        if label.is_some() {
            *visibility = if shown[k] { Visibility::Inherited } else { Visibility::Hidden };
            k += 1;
        }
    }
}

/// Which names to show: none under an obstacle (a counter, a siege card) nor under the marker
/// of a city that matters as much, the most important first, then each that overlaps none
/// already shown. `markers` are the cities' markers with their names' priorities.
fn declutter(boxes: &[(f64, Rect)], obstacles: &[Rect], markers: &[(f64, Rect)]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..boxes.len()).collect();
    order.sort_by(|a, b| boxes[*b].0.total_cmp(&boxes[*a].0));
    let mut shown = vec![false; boxes.len()];
    let mut kept: Vec<Rect> = obstacles.to_vec();
    for i in order {
        let (priority, r) = boxes[i];
        let clear_of_markers = markers.iter().all(|(p, m)| *p < priority || m.intersect(r).is_empty());
        if clear_of_markers && kept.iter().all(|k| k.intersect(r).is_empty()) {
            kept.push(r);
            shown[i] = true;
        }
    }
    shown
}

fn hover(
    cursor: Res<Cursor>,
    layout: Res<MapLayout>,
    counters: Query<(&Counter, &Transform)>,
    camera: Single<&Projection, With<Camera2d>>,
    mut hovered: ResMut<Hovered>,
) {
    let Some(at) = cursor.0 else {
        hovered.set_if_neq(Hovered::default());
        return;
    };
    let scale = match *camera {
        Projection::Orthographic(o) => o.scale.clamp(0.4, 2.5),
        _ => 1.0,
    };
    let army = counters
        .iter()
        .filter(|(_, t)| {
            let d = (at - t.translation.truncate()).abs();
            d.x <= 20.0 * scale && d.y <= 11.0 * scale
        })
        .map(|(c, _)| c.0)
        .next();
    hovered.set_if_neq(Hovered { province: layout.province_at(at), army });
}

fn clicks_to_actions(
    mut clicks: MessageReader<MapClick>,
    hovered: Res<Hovered>,
    layout: Res<MapLayout>,
    session: Res<Session>,
    mut actions: MessageWriter<UiAction>,
) {
    for click in clicks.read() {
        match click.button {
            MouseButton::Right => {
                actions.write(UiAction::Select(None));
            }
            _ => {
                if let Some(action) = click_action(&session, layout.province_at(click.at), hovered.army) {
                    actions.write(action);
                }
            }
        }
    }
}

/// The road of the selected army: to its ordered or planned destination, or to the province
/// under the cursor as a preview.
fn draw_selected_road(session: Res<Session>, hovered: Res<Hovered>, layout: Res<MapLayout>, mut gizmos: Gizmos) {
    let Some(army) = session.selected.and_then(|a| session.view.army(a)) else { return };
    let ordered = match session.orders.get(&army.ix) {
        Some(crate::sim::Order::March { to, .. }) => Some(*to),
        _ => army.destination,
    };
    for (to, colour) in [(ordered, Color::srgb(1.0, 0.85, 0.2)), (hovered.province, Color::srgba(1.0, 1.0, 1.0, 0.7))] {
        let Some(route) = to.and_then(|to| session.sim().route(army.ix, to)) else { continue };
        let points: Vec<Vec2> =
            std::iter::once(army.location).chain(route.steps.iter().copied()).map(|p| layout.sites[p.get()]).collect();
        gizmos.linestrip_2d(points, colour);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_names_give_way_to_the_more_important() {
        let at = |x: f32| Rect::from_center_size(Vec2::new(x, 0.0), Vec2::new(10.0, 4.0));
        // The first two overlap: the second matters more and stays; the third is clear of both.
        assert_eq!(declutter(&[(1.0, at(0.0)), (5.0, at(6.0)), (0.5, at(30.0))], &[], &[]), vec![false, true, true]);
        // A counter over the third hides it, however much it matters.
        assert_eq!(
            declutter(&[(1.0, at(0.0)), (5.0, at(6.0)), (9.0, at(30.0))], &[at(31.0)], &[]),
            vec![false, true, false]
        );
    }

    /// The boxes of a campaign's map at the camera's `scale` as the window lays them out: each
    /// city's name with its priority, and the counters and siege cards names must keep clear of.
    fn map_boxes(sim: &crate::sim::Sim, sites: &[Point], scale: f32, place: bool) -> (Vec<(f64, Rect)>, Vec<Rect>) {
        let scenario = &sim.data().scenario;
        let view = sim.view();
        let capitals: Vec<&str> = scenario.factions.iter().filter_map(|f| f.capital.as_deref()).collect();
        let labels: Vec<(f64, Rect)> = scenario
            .provinces
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (capital, walled) = (capitals.contains(&p.id.as_str()), p.walls >= 5);
                let size = CityLabel::size_of(CityLabel::text(&view.provinces[i].name), "", label_px(capital, walled));
                let at = ScreenSized { anchor: Vec2::from(sites[i]), offset: LABEL_OFFSET };
                (label_priority(capital, walled, p.population), at.bounds(size + Vec2::splat(LABEL_MARGIN), scale))
            })
            .collect();
        let mut cards = Vec::new();
        for p in view.provinces.iter().filter(|p| p.siege.is_some()) {
            let size = siege_card_size(&siege_text(&p.siege.expect("filtered")));
            cards.push(
                ScreenSized { anchor: Vec2::from(sites[p.ix.get()]), offset: SIEGE_CARD_OFFSET }.bounds(size, scale),
            );
        }
        let groups: Vec<(Vec2, usize)> =
            armies_by_province(&view).iter().map(|(p, armies)| (Vec2::from(sites[p.get()]), armies.len())).collect();
        let sides =
            if place { place_counters(&groups, &labels, &cards, scale) } else { vec![Side::Above; groups.len()] };
        let mut obstacles = cards;
        for ((anchor, n), side) in groups.into_iter().zip(sides) {
            for k in 0..n {
                obstacles.push(ScreenSized { anchor, offset: counter_offset(k, n, side) }.bounds(COUNTER_SIZE, scale));
            }
        }
        (labels, obstacles)
    }

    /// Each city's marker with its name's priority, as the window keeps names off them.
    fn markers(labels: &[(f64, Rect)], sites: &[Point], scale: f32) -> Vec<(f64, Rect)> {
        (labels.iter().zip(sites))
            .map(|((p, _), s)| (*p, Rect::from_center_size(Vec2::from(*s), Vec2::splat(MARKER_PX) * scale)))
            .collect()
    }

    #[test]
    fn a_name_gives_way_to_the_marker_of_a_city_that_matters_as_much_but_not_to_a_lesser_one() {
        let at = |x: f32| Rect::from_center_size(Vec2::new(x, 0.0), Vec2::new(10.0, 4.0));
        let marker = Rect::from_center_size(Vec2::new(3.0, 0.0), Vec2::splat(2.0));
        assert_eq!(declutter(&[(5.0, at(0.0))], &[], &[(5.0, marker)]), vec![false]);
        assert_eq!(declutter(&[(5.0, at(0.0))], &[], &[(1.0, marker)]), vec![true]);
    }

    #[test]
    fn names_shown_never_overlap_each_other_nor_a_counter_or_siege_card_at_any_zoom() {
        use crate::scenario::{ScenarioRef, builtin_scenarios, load_valid};
        for b in builtin_scenarios() {
            let valid = load_valid(&ScenarioRef::Builtin(b.id.clone())).expect("built-in");
            let sites = MapShapes::new(valid.scenario()).sites;
            let data = std::sync::Arc::new(crate::sim::StaticData::new(&valid));
            let options = crate::sim::SimOptions { seed: 1, historical: true, ..Default::default() };
            let mut sim = crate::sim::Sim::new(data, &options);
            // At the start, and some months in, when armies stand at cities and sieges are under way.
            let mut sieges = 0;
            for month in 0..=6 {
                if month > 0 {
                    sim.step();
                }
                sieges += sim.view().provinces.iter().filter(|p| p.siege.is_some()).count();
                for scale in [0.5, 1.0, 2.0] {
                    let (labels, obstacles) = map_boxes(&sim, &sites, scale, true);
                    let shown: Vec<Rect> = declutter(&labels, &obstacles, &markers(&labels, &sites, scale))
                        .iter()
                        .zip(&labels)
                        .filter(|(s, _)| **s)
                        .map(|(_, l)| l.1)
                        .collect();
                    let at = format!("{} in month {month} at zoom {scale}", b.id);
                    assert!(
                        shown.len() >= labels.len() / 3,
                        "{at}: only {} of {} names shown",
                        shown.len(),
                        labels.len()
                    );
                    for (i, a) in shown.iter().enumerate() {
                        assert!(shown[i + 1..].iter().all(|b| a.intersect(*b).is_empty()), "{at}: two names overlap");
                        assert!(obstacles.iter().all(|o| a.intersect(*o).is_empty()), "{at}: a name under a counter");
                    }
                }
            }
            assert!(b.id == "hebei_1125" || sieges > 0, "{}: the test saw no siege card", b.id);
        }
    }

    #[test]
    fn a_row_of_counters_stands_aside_from_a_capital_s_name_and_off_other_counters() {
        // A capital's name just above a city, where its counters would stand by default.
        let city = Vec2::new(0.0, 0.0);
        let capital_name = Rect::from_center_size(Vec2::new(0.0, 30.0), Vec2::new(60.0, 18.0));
        let sides = place_counters(&[(city, 1)], &[(1e9, capital_name)], &[], 1.0);
        assert_ne!(sides[0], Side::Above);
        // With nothing in the way they stand above; two rows never cover each other.
        assert_eq!(place_counters(&[(city, 2)], &[], &[], 1.0), vec![Side::Above]);
        let sides = place_counters(&[(city, 2), (Vec2::new(0.0, 30.0), 1)], &[], &[], 1.0);
        let boxes = |at: Vec2, n: usize, side: Side| -> Vec<Rect> {
            (0..n)
                .map(|k| ScreenSized { anchor: at, offset: counter_offset(k, n, side) }.bounds(COUNTER_SIZE, 1.0))
                .collect()
        };
        for a in boxes(city, 2, sides[0]) {
            assert!(boxes(Vec2::new(0.0, 30.0), 1, sides[1]).iter().all(|b| a.intersect(*b).is_empty()));
        }
    }

    #[test]
    fn standing_counters_aside_shows_more_names_than_always_above() {
        use crate::scenario::{ScenarioRef, load_valid};
        let valid = load_valid(&ScenarioRef::Builtin("grand_campaign".into())).expect("built-in");
        let sites = MapShapes::new(valid.scenario()).sites;
        let data = std::sync::Arc::new(crate::sim::StaticData::new(&valid));
        let options = crate::sim::SimOptions { seed: 1, historical: true, ..Default::default() };
        let mut sim = crate::sim::Sim::new(data, &options);
        let (mut placed, mut above) = (0, 0);
        for _ in 0..24 {
            sim.step();
            for scale in [0.5, 1.0, 2.0] {
                let shown = |place| {
                    let (labels, obstacles) = map_boxes(&sim, &sites, scale, place);
                    declutter(&labels, &obstacles, &markers(&labels, &sites, scale)).iter().filter(|s| **s).count()
                };
                placed += shown(true);
                above += shown(false);
            }
        }
        eprintln!("{placed} names shown with counters placed, {above} with all above");
        assert!(placed > above, "{placed} names shown with counters placed, {above} with all above");
    }

    #[test]
    fn a_coast_drawn_the_wrong_way_round_does_not_drown_the_cities() {
        let frame = geometry::Frame { min: [0.0, 0.0], max: [100.0, 100.0] };
        let cities = [[20.0, 50.0], [30.0, 20.0], [40.0, 80.0]];
        let right_way = geometry::sea_beside(&[[60.0, 10.0], [60.0, 90.0]], &frame, &cities, 10.0);
        let wrong_way = geometry::sea_beside(&[[60.0, 90.0], [60.0, 10.0]], &frame, &cities, 10.0);
        for sea in [right_way, wrong_way] {
            assert!(cities.iter().all(|c| !geometry::contains(&sea, *c)));
            assert!(geometry::contains(&sea, [80.0, 50.0]));
        }
    }

    #[test]
    fn a_city_is_lettered_without_its_bracketed_alias_and_sized_by_its_letters() {
        assert_eq!(CityLabel::text("Yanjing (Liao Southern Capital)"), "Yanjing");
        assert_eq!(CityLabel::text("Yanshan"), "Yanshan");
        assert!(CityLabel::size_of("Xinye and Fancheng", "", 13.0).x > CityLabel::size_of("Xinye", "", 13.0).x);
        // A Chinese character is about as wide as the letters are high.
        let with_native = CityLabel::size_of("Kaifeng ", "開封", 15.0).x - CityLabel::size_of("Kaifeng ", "", 15.0).x;
        assert!((with_native - 30.0).abs() < 1e-3, "{with_native}");
    }

    #[test]
    fn the_relations_mode_tells_own_land_from_an_enemy_s_and_a_neighbour_s() {
        let dir = tempfile::tempdir().expect("temp dir");
        let game = crate::gui::session::NewGame {
            scenario: "jingkang".into(),
            factions: vec!["song".into()],
            seed: 7,
            historical: true,
            difficulty: None,
        };
        let mut s = Session::start(&game, dir.path().to_path_buf()).expect("starts");
        let (song, jin, xia) =
            (s.sim().data().faction("song"), s.sim().data().faction("jin"), s.sim().data().faction("xia"));
        assert_eq!(Overlay::viewer(&s), Some(song), "a player looks from his own faction");
        assert_eq!(relation_colour(&s, song, song), OWN);
        let xia_thinks = s.view.relation(xia, song).map(|r| if r.a == xia { r.opinion.0 } else { r.opinion.1 });
        assert_eq!(relation_colour(&s, xia, song), opinion_colour(xia_thinks.expect("a relation")));
        for _ in 0..3 {
            for e in s.unanswered() {
                s.apply(&crate::gui::session::UiAction::Answer { event: e, option: 0 });
            }
            s.apply(&crate::gui::session::UiAction::EndTurn);
        }
        assert!(s.view.relation(jin, song).is_some_and(|r| r.at_war), "the Jin have declared war");
        assert_eq!(relation_colour(&s, jin, song), AT_WAR);
        assert_eq!(Overlay::Loyalty.toggled(Overlay::Loyalty), Overlay::Owners);
        assert_eq!(Overlay::Supply.toggled(Overlay::Relations), Overlay::Relations);
    }

    #[test]
    fn counters_round_to_thousands() {
        assert_eq!(strength(45_300.0), "45k");
        assert_eq!(strength(800.0), "800");
    }

    /// The sea of a built-in scenario's map as the window draws it, the map's projection and
    /// where its cities are drawn.
    fn sea_of(scenario_id: &str) -> (Vec<Point>, geometry::Projection, Vec<Point>) {
        use crate::scenario::{ScenarioRef, load_valid};
        let valid = load_valid(&ScenarioRef::Builtin(scenario_id.into())).expect("built-in");
        let scenario = valid.scenario();
        let MapShapes { projection, sites, frame, .. } = MapShapes::new(scenario);
        let coast = scenario.lines.iter().find(|l| l.kind == LineKind::Coast).expect("a coast");
        let points: Vec<Point> = coast.points.iter().map(|p| projection.project(*p)).collect();
        let reach = geometry::REACH_DEGREES * projection.units_per_degree();
        let sea = geometry::sea_beside(&points, &frame, &sites, reach);
        (sea, projection, sites)
    }

    #[test]
    fn the_north_china_sea_washes_korea_on_three_sides_and_drowns_no_city() {
        let (sea, projection, sites) = sea_of("grand_campaign");
        let at = |lon, lat| geometry::contains(&sea, projection.project((lon, lat)));
        let seas = [("Bohai", 119.5, 38.8), ("Yellow Sea", 123.5, 36.0), ("East China Sea", 125.0, 32.0)];
        let more =
            [("Korea Strait", 129.0, 34.0), ("Sea of Japan", 129.9, 37.5), ("Sea of Japan by the Tumen", 130.5, 41.0)];
        for (name, lon, lat) in seas.into_iter().chain(more) {
            assert!(at(lon, lat), "{name} ({lon}, {lat}) is not sea");
        }
        for (name, lon, lat) in [("Pyongyang", 125.75, 39.02), ("Wonju", 127.95, 37.35), ("Gyeongju", 129.2, 35.85)] {
            assert!(!at(lon, lat), "{name} ({lon}, {lat}) is under the sea");
        }
        let drowned: Vec<usize> = (0..sites.len()).filter(|i| geometry::contains(&sea, sites[*i])).collect();
        assert!(drowned.is_empty(), "cities under the sea: {drowned:?}");
        let triangles = geometry::triangulate(&sea);
        let covered: f32 = triangles
            .chunks(3)
            .map(|t| geometry::signed_area2(&[sea[t[0] as usize], sea[t[1] as usize], sea[t[2] as usize]]).abs())
            .sum();
        let area = geometry::signed_area2(&sea).abs();
        assert!((covered / area - 1.0).abs() < 1e-3, "the triangles cover {covered} of {area}");
    }
}
