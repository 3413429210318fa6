//! Map geometry in plain numbers: the projection, province cells (Voronoi cells around the cities,
//! cut to a radius), thick lines and the sea, triangulated for meshes. No Bevy types, so it is tested alone.

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

/// The cell of each site: the points nearer to it than to any other site and within `radius` of it.
/// Cells are convex, counter-clockwise, and empty only for a site that shares another's place.
pub fn cells(sites: &[Point], radius: f32) -> Vec<Vec<Point>> {
    sites
        .iter()
        .enumerate()
        .map(|(i, &site)| {
            let mut cell = circle(site, radius, 32);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn area(polygon: &[Point]) -> f32 {
        signed_area2(polygon) / 2.0
    }

    #[test]
    fn two_sites_split_the_plane_along_their_bisector() {
        let cells = cells(&[[0.0, 0.0], [10.0, 0.0]], 100.0);
        assert!(cells[0].iter().all(|p| p[0] <= 5.0 + 1e-3));
        assert!(cells[1].iter().all(|p| p[0] >= 5.0 - 1e-3));
        assert!(contains(&cells[0], [-3.0, 2.0]) && !contains(&cells[0], [7.0, 0.0]));
        // Each keeps half the disc.
        let half = std::f32::consts::PI * 100.0 * 100.0 / 2.0;
        assert!((area(&cells[0]) - half).abs() / half < 0.1, "{}", area(&cells[0]));
    }

    #[test]
    fn a_lone_site_keeps_its_disc_and_cells_wind_counter_clockwise() {
        let cells = cells(&[[0.0, 0.0], [1000.0, 0.0]], 10.0);
        assert_eq!(cells[0].len(), 32);
        assert!(signed_area2(&cells[0]) > 0.0);
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
