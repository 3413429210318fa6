//! Map geometry in plain numbers: the projection, the frame of the known world, province cells
//! (Voronoi cells around the cities within the frame, or the outlines a map draws by hand), the
//! sea, terrain marks and thick lines, triangulated for meshes. No Bevy types, so it is tested alone.
use crate::scenario::{LineKind, Pattern, Scenario};

/// A point on the drawn map, in world units.
pub type Point = [f32; 2];

/// World units per degree of latitude.
const SCALE: f64 = 100.0;

/// An equirectangular projection centred on the map, with longitudes shrunk by the cosine of the
/// middle latitude so that distances look right at these latitudes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    centre: (f64, f64),
    x_scale: f64,
}

impl Projection {
    /// A projection centred on the middle of `positions` (longitude, latitude).
    pub fn fitting(positions: impl IntoIterator<Item = (f64, f64)>) -> Self {
        let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
        for (lon, lat) in positions {
            lo = (lo.0.min(lon), lo.1.min(lat));
            hi = (hi.0.max(lon), hi.1.max(lat));
        }
        if lo.0 > hi.0 {
            return Self { centre: (0.0, 0.0), x_scale: SCALE };
        }
        let centre = ((lo.0 + hi.0) / 2.0, (lo.1 + hi.1) / 2.0);
        Self { centre, x_scale: SCALE * centre.1.to_radians().cos().max(0.2) }
    }

    /// Where a (longitude, latitude) point is drawn.
    pub fn project(&self, (lon, lat): (f64, f64)) -> Point {
        [((lon - self.centre.0) * self.x_scale) as f32, ((lat - self.centre.1) * SCALE) as f32]
    }

    /// World units per degree of latitude.
    pub fn units_per_degree(&self) -> f32 {
        SCALE as f32
    }
}

/// The cell of each site: the points of convex `bounds` nearer to it than to any other site.
/// Cells are convex, wound as `bounds` is, and empty only for a site that shares another's place.
pub fn cells(sites: &[Point], bounds: &[Point]) -> Vec<Vec<Point>> {
    sites
        .iter()
        .enumerate()
        .map(|(i, &site)| {
            let mut cell = bounds.to_vec();
            for (j, &other) in sites.iter().enumerate() {
                if i != j && cell.len() >= 3 {
                    cell = clip_nearer(&cell, site, other);
                }
            }
            cell
        })
        .collect()
}

/// A regular polygon around `centre`, counter-clockwise.
pub fn circle(centre: Point, radius: f32, sides: usize) -> Vec<Point> {
    (0..sides)
        .map(|k| {
            let a = k as f32 / sides as f32 * std::f32::consts::TAU;
            [centre[0] + radius * a.cos(), centre[1] + radius * a.sin()]
        })
        .collect()
}

/// The part of convex `polygon` nearer to `site` than to `other` (Sutherland-Hodgman against the
/// bisector). Two sites in one place split nothing: `site` keeps the polygon only if it comes first.
fn clip_nearer(polygon: &[Point], site: Point, other: Point) -> Vec<Point> {
    let normal = [other[0] - site[0], other[1] - site[1]];
    if normal == [0.0, 0.0] {
        return polygon.to_vec();
    }
    let mid = [(site[0] + other[0]) / 2.0, (site[1] + other[1]) / 2.0];
    // Negative on `site`'s side.
    let side = |p: Point| (p[0] - mid[0]) * normal[0] + (p[1] - mid[1]) * normal[1];
    let mut out = Vec::with_capacity(polygon.len() + 1);
    for (k, &p) in polygon.iter().enumerate() {
        let q = polygon[(k + 1) % polygon.len()];
        let (sp, sq) = (side(p), side(q));
        if sp <= 0.0 {
            out.push(p);
        }
        if (sp < 0.0 && sq > 0.0) || (sp > 0.0 && sq < 0.0) {
            let t = sp / (sp - sq);
            out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
        }
    }
    out
}

/// Triangles of a convex polygon, as indices into it (a fan from its first point).
pub fn fan(points: usize) -> Vec<u32> {
    (1..points.saturating_sub(1) as u32).flat_map(|k| [0, k, k + 1]).collect()
}

/// A strip of `width` along a polyline, as triangles: each segment a quad, each joint covered by
/// the overlap of its two quads.
pub fn thick_line(points: &[Point], width: f32) -> (Vec<Point>, Vec<u32>) {
    let mut vertices = Vec::new();
    let mut indices = Vec::new();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let length = (dx * dx + dy * dy).sqrt();
        if length == 0.0 {
            continue;
        }
        // Half the width across the segment, and a little along it so that joints have no gaps.
        let (nx, ny) = (-dy / length * width / 2.0, dx / length * width / 2.0);
        let (ex, ey) = (dx / length * width / 2.0, dy / length * width / 2.0);
        let base = vertices.len() as u32;
        vertices.extend([
            [a[0] + nx - ex, a[1] + ny - ey],
            [a[0] - nx - ex, a[1] - ny - ey],
            [b[0] - nx + ex, b[1] - ny + ey],
            [b[0] + nx + ex, b[1] + ny + ey],
        ]);
        indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
    }
    (vertices, indices)
}

/// An axis-aligned rectangle: the frame the map is drawn in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub min: Point,
    pub max: Point,
}

impl Frame {
    /// Its corners, counter-clockwise from the lower left.
    pub fn corners(&self) -> Vec<Point> {
        vec![self.min, [self.max[0], self.min[1]], self.max, [self.min[0], self.max[1]]]
    }

    /// The same frame grown by `margin` on every side.
    pub fn grown(&self, margin: f32) -> Self {
        Self { min: [self.min[0] - margin, self.min[1] - margin], max: [self.max[0] + margin, self.max[1] + margin] }
    }

    /// The smallest frame holding `points`, grown by `margin` on every side.
    pub fn around(points: impl IntoIterator<Item = Point>, margin: f32) -> Self {
        let (mut min, mut max) = ([f32::MAX; 2], [f32::MIN; 2]);
        for p in points {
            min = [min[0].min(p[0]), min[1].min(p[1])];
            max = [max[0].max(p[0]), max[1].max(p[1])];
        }
        if min[0] > max[0] {
            (min, max) = ([0.0; 2], [0.0; 2]);
        }
        Self { min: [min[0] - margin, min[1] - margin], max: [max[0] + margin, max[1] + margin] }
    }

    fn perimeter(&self) -> f32 {
        2.0 * (self.max[0] - self.min[0]) + 2.0 * (self.max[1] - self.min[1])
    }

    /// The nearest point on the frame's edge to `p`, and how far it lies clockwise from the top
    /// left corner along the edge.
    fn snap(&self, p: Point) -> (Point, f32) {
        let (w, h) = (self.max[0] - self.min[0], self.max[1] - self.min[1]);
        let x = p[0].clamp(self.min[0], self.max[0]);
        let y = p[1].clamp(self.min[1], self.max[1]);
        let distances = [self.max[1] - y, self.max[0] - x, y - self.min[1], x - self.min[0]];
        let edge = (0..4).min_by(|&a, &b| distances[a].total_cmp(&distances[b])).unwrap_or(0);
        match edge {
            0 => ([x, self.max[1]], x - self.min[0]),
            1 => ([self.max[0], y], w + (self.max[1] - y)),
            2 => ([x, self.min[1]], w + h + (self.max[0] - x)),
            _ => ([self.min[0], y], 2.0 * w + h + (y - self.min[1])),
        }
    }
}

/// The sea beside a coast drawn with the land on its left and the sea on its right (the
/// convention of OpenStreetMap's coastlines): the coast closed by the frame, walking clockwise
/// from the coast's last point back to its first. Where the walk follows the frame it is pushed
/// `reach` further out, so the sea still fills the view when the map is zoomed far out.
pub fn sea_outline(coast: &[Point], frame: &Frame, reach: f32) -> Vec<Point> {
    let (Some(&first), Some(&last)) = (coast.first(), coast.last()) else { return Vec::new() };
    let (start, t_start) = frame.snap(first);
    let (end, t_end) = frame.snap(last);
    let perimeter = frame.perimeter();
    let (w, h) = (frame.max[0] - frame.min[0], frame.max[1] - frame.min[1]);
    // Out through the edge that a point at `t` lies on.
    let push = |p: Point, t: f32| {
        let edge = if t < w {
            0
        } else if t < w + h {
            1
        } else if t < 2.0 * w + h {
            2
        } else {
            3
        };
        match edge {
            0 => [p[0], p[1] + reach],
            1 => [p[0] + reach, p[1]],
            2 => [p[0], p[1] - reach],
            _ => [p[0] - reach, p[1]],
        }
    };
    let mut outline = coast.to_vec();
    outline.push(end);
    outline.push(push(end, t_end));
    // Corners met going clockwise from the end to the start.
    let travel = (t_start - t_end).rem_euclid(perimeter);
    let corner_at = [0.0, w, w + h, 2.0 * w + h];
    let pushed_corners = [
        [frame.min[0] - reach, frame.max[1] + reach],
        [frame.max[0] + reach, frame.max[1] + reach],
        [frame.max[0] + reach, frame.min[1] - reach],
        [frame.min[0] - reach, frame.min[1] - reach],
    ];
    let mut passed: Vec<(f32, Point)> = pushed_corners
        .iter()
        .zip(corner_at)
        .map(|(&c, t)| ((t - t_end).rem_euclid(perimeter), c))
        .filter(|(d, _)| *d > 0.0 && *d < travel)
        .collect();
    passed.sort_by(|a, b| a.0.total_cmp(&b.0));
    outline.extend(passed.into_iter().map(|(_, c)| c));
    outline.push(push(start, t_start));
    outline.push(start);
    outline
}

/// Triangles of a simple polygon (convex or not), as indices into it; empty if it cannot be cut.
pub fn triangulate(outline: &[Point]) -> Vec<u32> {
    let flat: Vec<f64> = outline.iter().flat_map(|p| [f64::from(p[0]), f64::from(p[1])]).collect();
    earcutr::earcut(&flat, &[], 2).map(|t| t.into_iter().map(|i| i as u32).collect()).unwrap_or_default()
}

/// Twice the signed area of a polygon: positive when counter-clockwise.
pub fn signed_area2(polygon: &[Point]) -> f32 {
    (0..polygon.len())
        .map(|k| {
            let (p, q) = (polygon[k], polygon[(k + 1) % polygon.len()]);
            p[0] * q[1] - q[0] * p[1]
        })
        .sum()
}

/// Whether `p` lies inside polygon `polygon` (even-odd rule).
pub fn contains(polygon: &[Point], p: Point) -> bool {
    let mut inside = false;
    let n = polygon.len();
    for k in 0..n {
        let (a, b) = (polygon[k], polygon[(k + n - 1) % n]);
        if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0] {
            inside = !inside;
        }
    }
    inside
}

/// Margin around the cities, in degrees, of the frame a map that declares none is drawn in.
const DEFAULT_FRAME_MARGIN_DEGREES: f32 = 2.4;
/// How far past the frame the sea and the unknown lands reach, in degrees, so that they still
/// fill the view zoomed far out.
pub const REACH_DEGREES: f32 = 40.0;

/// Everything the map draws that follows from the scenario alone, in world units: computed once
/// per campaign, and used both to draw the map and to tell which province the cursor is over.
#[derive(Clone, Debug)]
pub struct MapShapes {
    pub projection: Projection,
    /// Each province's city.
    pub sites: Vec<Point>,
    /// The known world: the map's `Frame` line, or a rectangle around the cities.
    pub world: Vec<Point>,
    /// The rectangle around the known world.
    pub frame: Frame,
    /// Each province's land: its hand-drawn outline, or else the part of the frame nearer its
    /// city than any other city without an outline. Outlines are drawn over the other cells.
    pub cells: Vec<Vec<Point>>,
    /// Whether each province's cell is a hand-drawn outline.
    pub outlined: Vec<bool>,
    /// The sea beside each coast, closed by the frame.
    pub seas: Vec<Vec<Point>>,
    /// Each of the scenario's lines as drawn: coasts, rivers, walls and borders smoothed.
    pub lines: Vec<Vec<Point>>,
}

impl MapShapes {
    /// The shapes of a validated scenario's map.
    pub fn new(scenario: &Scenario) -> Self {
        let projection = Projection::fitting(scenario.provinces.iter().map(|p| p.position));
        let project = |points: &[(f64, f64)]| -> Vec<Point> { points.iter().map(|p| projection.project(*p)).collect() };
        let sites: Vec<Point> = scenario.provinces.iter().map(|p| projection.project(p.position)).collect();
        let declared = scenario.lines.iter().find(|l| l.kind == LineKind::Frame && l.points.len() >= 3);
        let (world, frame) = match declared {
            Some(line) => {
                let world = project(&line.points);
                let frame = Frame::around(world.iter().copied(), 0.0);
                (world, frame)
            }
            None => {
                let margin = DEFAULT_FRAME_MARGIN_DEGREES * projection.units_per_degree();
                let frame = Frame::around(sites.iter().copied(), margin);
                (frame.corners(), frame)
            }
        };
        let outlines: Vec<Option<Vec<Point>>> =
            scenario.provinces.iter().map(|p| p.outline.as_deref().map(&project)).collect();
        let open: Vec<usize> = (0..sites.len()).filter(|&i| outlines[i].is_none()).collect();
        let open_sites: Vec<Point> = open.iter().map(|&i| sites[i]).collect();
        let mut open_cells = cells(&open_sites, &frame.corners()).into_iter();
        let cells: Vec<Vec<Point>> = outlines
            .iter()
            .map(|outline| match outline {
                Some(outline) => outline.clone(),
                None => open_cells.next().unwrap_or_default(),
            })
            .collect();
        let lines: Vec<Vec<Point>> = scenario
            .lines
            .iter()
            .map(|l| if l.kind == LineKind::Frame { project(&l.points) } else { smooth(&project(&l.points), 3) })
            .collect();
        let reach = REACH_DEGREES * projection.units_per_degree();
        let seas = (scenario.lines.iter().zip(&lines))
            .filter(|(l, _)| l.kind == LineKind::Coast)
            .map(|(_, points)| sea_beside(points, &frame, &sites, reach))
            .collect();
        let outlined = outlines.iter().map(Option::is_some).collect();
        Self { projection, sites, world, frame, cells, outlined, seas, lines }
    }

    /// Whether `p` is land of the known world: inside the frame and not under the sea.
    pub fn is_land(&self, p: Point) -> bool {
        contains(&self.world, p) && !self.seas.iter().any(|sea| contains(sea, p))
    }

    /// The province whose land holds `p`: a hand-drawn outline before a computed cell.
    pub fn province_at(&self, p: Point) -> Option<usize> {
        if !self.is_land(p) {
            return None;
        }
        let holds = |i: &usize| self.cells[*i].len() >= 3 && contains(&self.cells[*i], p);
        let (outlined, open): (Vec<usize>, Vec<usize>) = (0..self.cells.len()).partition(|&i| self.outlined[i]);
        outlined.into_iter().find(holds).or_else(|| open.into_iter().find(holds))
    }

    /// World units per degree of latitude.
    pub fn units_per_degree(&self) -> f32 {
        self.projection.units_per_degree()
    }
}

/// A polyline rounded by Chaikin's corner cutting, `rounds` times; its ends stay where they are.
pub fn smooth(points: &[Point], rounds: usize) -> Vec<Point> {
    let mut line = points.to_vec();
    for _ in 0..rounds {
        if line.len() < 3 {
            break;
        }
        let mut next = Vec::with_capacity(line.len() * 2);
        next.push(line[0]);
        for pair in line.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            next.push([0.75 * a[0] + 0.25 * b[0], 0.75 * a[1] + 0.25 * b[1]]);
            next.push([0.25 * a[0] + 0.75 * b[0], 0.25 * a[1] + 0.75 * b[1]]);
        }
        next.push(line[line.len() - 1]);
        line = next;
    }
    line
}

/// The sea beside a coast; a coast drawn the wrong way round (its "sea" would drown most of the
/// cities) is read the other way, so one slip in a mod does not flood the map.
pub fn sea_beside(coast: &[Point], frame: &Frame, cities: &[Point], reach: f32) -> Vec<Point> {
    let outline = sea_outline(coast, frame, reach);
    let drowned = cities.iter().filter(|c| contains(&outline, **c)).count();
    if drowned * 2 <= cities.len() {
        return outline;
    }
    let reversed: Vec<Point> = coast.iter().rev().copied().collect();
    sea_outline(&reversed, frame, reach)
}

/// The lands beyond the known world: the frame grown by `reach`, with the world cut out of it.
/// Its points (the outer rectangle, then the world) and triangles.
pub fn beyond(world: &[Point], frame: &Frame, reach: f32) -> (Vec<Point>, Vec<u32>) {
    let mut points = frame.grown(reach).corners();
    points.extend_from_slice(world);
    let flat: Vec<f64> = points.iter().flat_map(|p| [f64::from(p[0]), f64::from(p[1])]).collect();
    let triangles = earcutr::earcut(&flat, &[4], 2).map(|t| t.into_iter().map(|i| i as u32).collect());
    (points, triangles.unwrap_or_default())
}

/// The strokes of a terrain's mark, in a unit box centred on the origin (y up); none for plain land.
pub fn glyph(pattern: Pattern) -> Vec<Vec<Point>> {
    match pattern {
        Pattern::Plain => Vec::new(),
        // A peak with its shaded flank.
        Pattern::Mountains => vec![vec![[-0.5, -0.4], [0.0, 0.45], [0.5, -0.4]], vec![[0.0, 0.45], [0.12, -0.1]]],
        // A low rounded back.
        Pattern::Hills => {
            vec![
                (0..=6)
                    .map(|k| {
                        let a = std::f32::consts::PI * k as f32 / 6.0;
                        [-0.5 * a.cos(), 0.35 * a.sin() - 0.15]
                    })
                    .collect(),
            ]
        }
        // A tuft of grass.
        Pattern::Steppe => {
            vec![vec![[-0.3, 0.25], [0.0, -0.3]], vec![[0.0, 0.35], [0.0, -0.3]], vec![[0.3, 0.25], [0.0, -0.3]]]
        }
        // A tree: a crown over a trunk.
        Pattern::Forest => {
            vec![vec![[0.0, 0.5], [-0.35, -0.1], [0.35, -0.1], [0.0, 0.5]], vec![[0.0, -0.1], [0.0, -0.45]]]
        }
        // Reeds over water.
        Pattern::Marsh => {
            vec![vec![[-0.5, -0.3], [0.5, -0.3]], vec![[-0.25, 0.0], [0.25, 0.0]], vec![[0.0, 0.0], [0.0, 0.45]]]
        }
        // Dunes.
        Pattern::Desert => vec![vec![[-0.5, 0.0], [-0.25, 0.2], [0.0, 0.0], [0.25, 0.2], [0.5, 0.0]]],
    }
}

/// Where a polygon's terrain marks go: a grid `spacing` apart, each point nudged by a fixed
/// jitter so the marks don't look printed, kept inside `polygon` and clear of `site` by `clear`.
pub fn mark_spots(polygon: &[Point], site: Point, spacing: f32, clear: f32) -> Vec<Point> {
    if polygon.len() < 3 || spacing <= 0.0 {
        return Vec::new();
    }
    let bounds = Frame::around(polygon.iter().copied(), 0.0);
    let (columns, rows) = (
        ((bounds.max[0] - bounds.min[0]) / spacing).ceil() as i64,
        ((bounds.max[1] - bounds.min[1]) / spacing).ceil() as i64,
    );
    // The grid is anchored at the world's origin, so neighbouring cells' marks line up.
    let (first_column, first_row) =
        ((bounds.min[0] / spacing).floor() as i64, (bounds.min[1] / spacing).floor() as i64);
    let mut spots = Vec::new();
    for row in first_row..=first_row + rows {
        for column in first_column..=first_column + columns {
            let (jx, jy) = jitter(column, row);
            // Every other row shifted by half a step, as relief is drawn on old maps.
            let shift = if row % 2 == 0 { 0.0 } else { 0.5 };
            let p = [(column as f32 + shift + jx * 0.35) * spacing, (row as f32 + jy * 0.35) * spacing];
            let (dx, dy) = (p[0] - site[0], p[1] - site[1]);
            if dx * dx + dy * dy >= clear * clear && contains(polygon, p) {
                spots.push(p);
            }
        }
    }
    spots
}

/// A fixed pseudo-random nudge in [-0.5, 0.5) for a grid point: the same on every run.
fn jitter(column: i64, row: i64) -> (f32, f32) {
    let mut h = (column as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (row as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 32;
    ((h & 0xFFFF) as f32 / 65536.0 - 0.5, ((h >> 16) & 0xFFFF) as f32 / 65536.0 - 0.5)
}

/// The strokes of `glyph` drawn `size` wide at each of `spots`.
pub fn stamp(glyph: &[Vec<Point>], spots: &[Point], size: f32) -> Vec<Vec<Point>> {
    spots
        .iter()
        .flat_map(|at| {
            glyph.iter().map(move |stroke| stroke.iter().map(|p| [at[0] + p[0] * size, at[1] + p[1] * size]).collect())
        })
        .collect()
}

/// Short strokes across a line every `every` units, on its left: the battlements of a wall.
pub fn ticks(points: &[Point], every: f32, length: f32) -> Vec<Vec<Point>> {
    let mut out = Vec::new();
    let mut carried = every / 2.0;
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let segment = (dx * dx + dy * dy).sqrt();
        if segment == 0.0 {
            continue;
        }
        let (nx, ny) = (-dy / segment * length, dx / segment * length);
        let mut along = carried;
        while along < segment {
            let t = along / segment;
            let p = [a[0] + dx * t, a[1] + dy * t];
            out.push(vec![p, [p[0] + nx, p[1] + ny]]);
            along += every;
        }
        carried = along - segment;
    }
    out
}

/// A line cut into dashes `dash` long with gaps `gap` long.
pub fn dashes(points: &[Point], dash: f32, gap: f32) -> Vec<Vec<Point>> {
    let mut out = Vec::new();
    let mut current: Vec<Point> = Vec::new();
    // How far into the dash-and-gap period the walk is.
    let mut phase = 0.0;
    let period = dash + gap;
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let segment = (dx * dx + dy * dy).sqrt();
        let mut along = 0.0;
        while along < segment {
            let at = |d: f32| [a[0] + dx * d / segment, a[1] + dy * d / segment];
            if phase < dash {
                if current.is_empty() {
                    current.push(at(along));
                }
                let step = (dash - phase).min(segment - along);
                along += step;
                phase += step;
                current.push(at(along));
                if phase >= dash {
                    out.push(std::mem::take(&mut current));
                }
            } else {
                let step = (period - phase).min(segment - along);
                along += step;
                phase += step;
                if phase >= period {
                    phase = 0.0;
                }
            }
        }
    }
    if current.len() >= 2 {
        out.push(current);
    }
    out
}

/// Many strokes as one mesh's points and triangles, each `width` wide.
pub fn strokes(lines: &[Vec<Point>], width: f32) -> (Vec<Point>, Vec<u32>) {
    let (mut vertices, mut indices) = (Vec::new(), Vec::new());
    for line in lines {
        let (v, i) = thick_line(line, width);
        let base = vertices.len() as u32;
        vertices.extend(v);
        indices.extend(i.into_iter().map(|k| k + base));
    }
    (vertices, indices)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(polygon: &[Point]) -> f32 {
        signed_area2(polygon) / 2.0
    }

    #[test]
    fn two_sites_split_the_plane_along_their_bisector() {
        let frame = Frame { min: [-100.0, -100.0], max: [100.0, 100.0] };
        let cells = cells(&[[0.0, 0.0], [10.0, 0.0]], &frame.corners());
        assert!(cells[0].iter().all(|p| p[0] <= 5.0 + 1e-3));
        assert!(cells[1].iter().all(|p| p[0] >= 5.0 - 1e-3));
        assert!(contains(&cells[0], [-3.0, 2.0]) && !contains(&cells[0], [7.0, 0.0]));
        // Together they tile the frame, with nothing left over.
        let (a, b) = (area(&cells[0]), area(&cells[1]));
        assert!((a + b - 200.0 * 200.0).abs() < 1.0, "{a} + {b}");
        assert!((a - 105.0 * 200.0).abs() < 1.0, "{a}");
    }

    #[test]
    fn a_lone_site_keeps_the_whole_frame_and_cells_wind_counter_clockwise() {
        let frame = Frame { min: [-10.0, -10.0], max: [10.0, 10.0] };
        let cells = cells(&[[0.0, 0.0]], &frame.corners());
        assert_eq!(cells[0], frame.corners());
        assert!(signed_area2(&cells[0]) > 0.0);
    }

    #[test]
    fn smoothing_rounds_corners_and_keeps_the_ends() {
        let line = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]];
        let smooth = smooth(&line, 2);
        assert_eq!((smooth[0], smooth[smooth.len() - 1]), (line[0], line[2]));
        assert!(smooth.len() > line.len());
        // The corner itself is cut off.
        assert!(!smooth.contains(&[10.0, 0.0]));
    }

    #[test]
    fn the_lands_beyond_cover_the_grown_frame_but_not_the_world() {
        let frame = Frame { min: [0.0, 0.0], max: [10.0, 10.0] };
        let world = [[0.0, 0.0], [10.0, 0.0], [5.0, 10.0]];
        let (points, triangles) = beyond(&world, &frame, 5.0);
        let inside = |p: Point| {
            triangles
                .chunks(3)
                .any(|t| contains(&[points[t[0] as usize], points[t[1] as usize], points[t[2] as usize]], p))
        };
        assert!(inside([1.0, 9.0]) && inside([-3.0, 5.0]) && inside([14.0, 14.0]));
        assert!(!inside([5.0, 3.0]));
    }

    #[test]
    fn terrain_marks_fall_inside_their_land_and_clear_of_its_city() {
        let square = [[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0]];
        let spots = mark_spots(&square, [50.0, 50.0], 10.0, 20.0);
        assert!(spots.len() > 50, "{} marks", spots.len());
        for p in &spots {
            assert!(contains(&square, *p));
            assert!((p[0] - 50.0).hypot(p[1] - 50.0) >= 20.0);
        }
        assert_eq!(spots, mark_spots(&square, [50.0, 50.0], 10.0, 20.0), "the same every time");
        assert!(glyph(Pattern::Plain).is_empty() && !glyph(Pattern::Mountains).is_empty());
    }

    #[test]
    fn dashes_and_ticks_follow_the_line() {
        let line = [[0.0, 0.0], [100.0, 0.0]];
        let dashes = dashes(&line, 10.0, 5.0);
        assert_eq!(dashes.len(), 7);
        assert!(dashes.iter().all(|d| d.iter().all(|p| p[1] == 0.0 && p[0] <= 100.0)));
        let ticks = ticks(&line, 20.0, 3.0);
        assert_eq!(ticks.len(), 5);
        assert!(ticks.iter().all(|t| t[1][1] == 3.0), "on the left of the way it runs");
    }

    #[test]
    fn a_hand_drawn_outline_takes_its_land_from_the_cells_around_it() {
        use crate::scenario::{ScenarioRef, load_valid};
        let valid = load_valid(&ScenarioRef::Builtin("grand_campaign".into())).expect("built-in");
        let mut scenario = valid.scenario().clone();
        let kaifeng = scenario.provinces.iter().position(|p| p.id == "kaifeng").expect("Kaifeng");
        let zhengzhou = scenario.provinces.iter().position(|p| p.id == "zhengzhou").expect("Zhengzhou");
        // A square around Kaifeng reaching west over Zhengzhou's land, but not over its city.
        scenario.provinces[kaifeng].outline = Some(vec![(113.9, 34.5), (114.6, 34.5), (114.6, 35.1), (113.9, 35.1)]);
        let shapes = MapShapes::new(&scenario);
        let at = |lon, lat| shapes.projection.project((lon, lat));
        assert!(shapes.outlined[kaifeng] && !shapes.outlined[zhengzhou]);
        assert_eq!(shapes.province_at(at(113.95, 34.8)), Some(kaifeng), "inside the outline, on Zhengzhou's side");
        assert_eq!(shapes.province_at(at(113.65, 34.75)), Some(zhengzhou), "Zhengzhou's city");
        // East of the outline, where Kaifeng's own cell was, the land goes to a neighbour.
        let east = shapes.province_at(at(114.75, 34.8));
        assert!(east.is_some() && east != Some(kaifeng), "{east:?}");
    }

    #[test]
    fn a_map_with_a_frame_gives_every_land_point_a_province_and_none_to_the_sea() {
        use crate::scenario::{ScenarioRef, load_valid};
        let valid = load_valid(&ScenarioRef::Builtin("grand_campaign".into())).expect("built-in");
        let shapes = MapShapes::new(valid.scenario());
        let at = |lon, lat| shapes.projection.project((lon, lat));
        assert_eq!(
            shapes.province_at(at(114.3, 34.8)),
            valid.scenario().provinces.iter().position(|p| p.id == "kaifeng")
        );
        assert_eq!(shapes.province_at(at(123.0, 36.0)), None, "the Yellow Sea");
        assert_eq!(shapes.province_at(at(127.0, 38.0)), None, "Goryeo lies beyond the known world");
        // Every land point of the frame on a grid belongs to a province.
        let frame = shapes.frame;
        let mut land = 0;
        for i in 0..60 {
            for j in 0..60 {
                let p = [
                    frame.min[0] + (frame.max[0] - frame.min[0]) * (i as f32 + 0.5) / 60.0,
                    frame.min[1] + (frame.max[1] - frame.min[1]) * (j as f32 + 0.5) / 60.0,
                ];
                if shapes.is_land(p) {
                    land += 1;
                    assert!(shapes.province_at(p).is_some(), "land at {p:?} belongs to nobody");
                }
            }
        }
        assert!(land > 1000, "{land} land points");
    }

    #[test]
    fn a_fan_covers_a_convex_polygon_with_n_minus_2_triangles() {
        assert_eq!(fan(5), vec![0, 1, 2, 0, 2, 3, 0, 3, 4]);
        assert!(fan(2).is_empty());
    }

    #[test]
    fn the_sea_lies_right_of_a_coast_walked_with_the_land_on_the_left() {
        let frame = Frame { min: [0.0, 0.0], max: [100.0, 100.0] };
        // A coast running north at x = 60: land on the left (west), sea on the right (east).
        let sea = sea_outline(&[[60.0, 10.0], [60.0, 90.0]], &frame, 50.0);
        assert!(contains(&sea, [80.0, 50.0]) && !contains(&sea, [30.0, 50.0]));
        // Beyond the frame too, on the sea's side only.
        assert!(contains(&sea, [140.0, 50.0]) && !contains(&sea, [-30.0, 50.0]));
        assert!(signed_area2(&sea) < 0.0, "walked clockwise");
        // The same coast walked south puts the sea in the west.
        let sea = sea_outline(&[[60.0, 90.0], [60.0, 10.0]], &frame, 50.0);
        assert!(contains(&sea, [30.0, 50.0]) && !contains(&sea, [80.0, 50.0]));
        assert_eq!(triangulate(&sea).len() % 3, 0);
        assert!(!triangulate(&sea).is_empty());
    }

    #[test]
    fn a_thick_line_has_a_quad_per_segment() {
        let (vertices, indices) = thick_line(&[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]], 2.0);
        assert_eq!((vertices.len(), indices.len()), (8, 12));
        assert!(vertices.iter().all(|v| v[1] >= -1.0 - 1e-6));
    }

    #[test]
    fn the_projection_puts_north_up_and_east_right() {
        let p = Projection::fitting([(110.0, 30.0), (120.0, 40.0)]);
        let (a, b) = (p.project((110.0, 30.0)), p.project((120.0, 40.0)));
        assert!(b[0] > a[0] && b[1] > a[1]);
        assert_eq!(p.project((115.0, 35.0)), [0.0, 0.0]);
    }
}
