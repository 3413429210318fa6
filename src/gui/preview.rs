//! The start screen's map preview: the picked scenario's provinces in their starting owners'
//! colours, the sea, the rivers, the armies and the playable factions' capitals, painted with
//! egui. Built once per pick from the geometry the game's map uses ([`MapShapes`]), in the pixels
//! of a [`SIZE`] rectangle, and scaled to the space the screen has when drawn.
use bevy_egui::egui::{self, Color32, FontId, Mesh, Pos2, Rect, Shape, Stroke, Vec2, emath::TSTransform, pos2};

use super::geometry::{self, Frame, MapShapes, Point};
use super::palette;
use crate::scenario::{LineKind, Scenario};

/// The size a preview is built at: it fits beside the faction cards in a 1440x900 window.
const SIZE: Vec2 = Vec2::new(640.0, 440.0);
/// Room between the known world's frame and the preview's edge, in pixels.
const PADDING: f32 = 6.0;
/// An army's marker, in pixels.
const ARMY: Vec2 = Vec2::new(7.0, 5.0);

/// The map's colours (see `palette.rs`), so that the preview looks like the game it starts.
const SEA: Color32 = palette::SEA.egui();
const BEYOND: Color32 = palette::BEYOND.egui();
const BORDER_INK: Color32 = palette::BORDER_INK.egui();
const COAST: Color32 = palette::line_colour(LineKind::Coast).egui();
const RIVER: Color32 = palette::line_colour(LineKind::River).egui();
const BORDER: Color32 = palette::line_colour(LineKind::Border).egui();
const WALL: Color32 = palette::line_colour(LineKind::Wall).egui();
const INK: Color32 = palette::INK.egui();

/// A scenario's map as the start screen shows it, in pixels of a [`SIZE`] rectangle (y down).
pub(super) struct Preview {
    /// Each province's land and border, in drawing order: hand-drawn outlines over the cells.
    lands: Vec<Land>,
    /// The lands beyond the known world, which hide the cells' far parts.
    beyond: Mesh,
    /// The known world's edge.
    edge: Shape,
    /// The sea, over everything else's fill.
    seas: Vec<Mesh>,
    /// Coasts, rivers, borders and walls.
    lines: Vec<Shape>,
    /// Every province's city.
    cities: Vec<Pos2>,
    /// A marker per army, in its owner's colour, beside its city.
    armies: Vec<(Pos2, Color32)>,
    capitals: Vec<Capital>,
    /// For naming the province under the pointer: the shapes in world units, the way from them to
    /// the preview, and each province's name and owner.
    shapes: MapShapes,
    fit: Fit,
    names: Vec<String>,
}

/// A province's land in its owner's colour.
struct Land {
    province: usize,
    fill: Mesh,
    border: Shape,
}

/// A playable faction's capital, marked with a dot and its short name.
struct Capital {
    at: Pos2,
    name: String,
    colour: Color32,
}

/// World units to preview pixels: the frame fitted in, aspect kept, y flipped.
#[derive(Clone, Copy, Debug)]
struct Fit {
    scale: f32,
    offset: Vec2,
}

impl Fit {
    fn new(frame: &Frame, size: Vec2) -> Self {
        let (w, h) = ((frame.max[0] - frame.min[0]).max(1e-3), (frame.max[1] - frame.min[1]).max(1e-3));
        let scale = ((size.x - 2.0 * PADDING) / w).min((size.y - 2.0 * PADDING) / h);
        let centre = [(frame.min[0] + frame.max[0]) / 2.0, (frame.min[1] + frame.max[1]) / 2.0];
        Self { scale, offset: Vec2::new(size.x / 2.0 - centre[0] * scale, size.y / 2.0 + centre[1] * scale) }
    }

    fn pos(&self, p: Point) -> Pos2 {
        pos2(p[0] * self.scale + self.offset.x, -p[1] * self.scale + self.offset.y)
    }

    fn point(&self, p: Pos2) -> Point {
        [(p.x - self.offset.x) / self.scale, -(p.y - self.offset.y) / self.scale]
    }
}

/// A province's fill: its owner's colour (`#rrggbb`) a quarter of the way to parchment.
fn land_colour(hex: Option<&str>) -> Color32 {
    palette::to_egui(palette::land(hex))
}

/// A faction's own colour, unmixed, for its capital's dot and its armies.
fn faction_colour(hex: &str) -> Color32 {
    palette::to_egui(palette::faction(Some(hex)))
}

/// A mesh of `points` (world units) and `triangles`, in one colour.
fn mesh(fit: &Fit, points: &[Point], triangles: Vec<u32>, colour: Color32) -> Mesh {
    let mut mesh = Mesh::default();
    for p in points {
        mesh.colored_vertex(fit.pos(*p), colour);
    }
    mesh.indices = triangles;
    mesh
}

/// The preview of a validated scenario's map (its provinces' `owner` already as the scenario
/// starts, which is what the simulation starts from).
pub(super) fn preview(scenario: &Scenario) -> Preview {
    let shapes = MapShapes::new(scenario);
    let fit = Fit::new(&shapes.frame, SIZE);
    let faction = |id: Option<&str>| id.and_then(|id| scenario.factions.iter().find(|f| f.id == id));
    let mut lands: Vec<Land> = (shapes.cells.iter().enumerate())
        .filter(|(_, cell)| cell.len() >= 3)
        .map(|(i, cell)| {
            let owner = faction(scenario.provinces[i].owner.as_deref());
            let triangles = if shapes.outlined[i] { geometry::triangulate(cell) } else { geometry::fan(cell.len()) };
            let ring = cell.iter().map(|p| fit.pos(*p)).collect();
            Land {
                province: i,
                fill: mesh(&fit, cell, triangles, land_colour(owner.map(|f| f.colour.as_str()))),
                border: Shape::closed_line(ring, Stroke::new(0.7, BORDER_INK)),
            }
        })
        .collect();
    // A stable sort: the computed cells first, then the outlines over them.
    lands.sort_by_key(|land| shapes.outlined[land.province]);
    let reach = geometry::REACH_DEGREES * shapes.units_per_degree();
    let (points, triangles) = geometry::beyond(&shapes.world, &shapes.frame, reach);
    let beyond = mesh(&fit, &points, triangles, BEYOND);
    let edge = Shape::closed_line(shapes.world.iter().map(|p| fit.pos(*p)).collect(), Stroke::new(1.2, BORDER_INK));
    let seas = shapes.seas.iter().map(|sea| mesh(&fit, sea, geometry::triangulate(sea), SEA)).collect();
    let lines = lines(scenario, &shapes, &fit);
    let cities: Vec<Pos2> = shapes.sites.iter().map(|p| fit.pos(*p)).collect();
    let province = |id: &str| scenario.provinces.iter().position(|p| p.id == id);
    let short = |i: usize| {
        let name = &scenario.provinces[i].name;
        name.split(" (").next().unwrap_or(name).to_string()
    };
    let capitals = (scenario.factions.iter().filter(|f| f.playable))
        .filter_map(|f| {
            let i = province(f.capital.as_deref()?)?;
            Some(Capital { at: cities[i], name: short(i), colour: faction_colour(&f.colour) })
        })
        .collect();
    // One marker per army, side by side to the lower right of its city.
    let mut armies = Vec::new();
    let mut beside = vec![0.0_f32; cities.len()];
    for army in &scenario.armies {
        let (Some(i), Some(owner)) = (province(&army.location), faction(Some(&army.owner))) else { continue };
        armies.push((cities[i] + Vec2::new(7.0 + beside[i], 3.0), faction_colour(&owner.colour)));
        beside[i] += ARMY.x + 2.0;
    }
    let names = (0..scenario.provinces.len())
        .map(|i| match faction(scenario.provinces[i].owner.as_deref()) {
            Some(owner) => format!("{} · {}", short(i), owner.name),
            None => short(i),
        })
        .collect();
    Preview { lands, beyond, edge, seas, lines, cities, armies, capitals, shapes, fit, names }
}

/// Coasts, rivers by their importance, borders dashed and walls, as the map draws them but in
/// widths for a small picture.
fn lines(scenario: &Scenario, shapes: &MapShapes, fit: &Fit) -> Vec<Shape> {
    let to_preview = |points: &[Point]| -> Vec<Pos2> { points.iter().map(|p| fit.pos(*p)).collect() };
    let mut out = Vec::new();
    for (line, points) in scenario.lines.iter().zip(&shapes.lines) {
        let step = line.importance.clamp(1, 3) as f32 - 1.0;
        match line.kind {
            // The frame is the known world's edge, drawn with the lands beyond.
            LineKind::Frame => {}
            LineKind::Coast => out.push(Shape::line(to_preview(points), Stroke::new(1.0, COAST))),
            LineKind::River => out.push(Shape::line(to_preview(points), Stroke::new(0.7 + 0.5 * step, RIVER))),
            LineKind::Wall => out.push(Shape::line(to_preview(points), Stroke::new(1.2 + 0.4 * step, WALL))),
            LineKind::Border => {
                let dashes = geometry::dashes(points, 5.0 / fit.scale, 3.0 / fit.scale);
                out.extend(dashes.iter().map(|d| Shape::line(to_preview(d), Stroke::new(1.0, BORDER))));
            }
        }
    }
    out
}

impl Preview {
    /// The province under `at` (preview pixels); none over the sea or beyond the known world.
    fn province_at(&self, at: Pos2) -> Option<usize> {
        self.shapes.province_at(self.fit.point(at))
    }

    /// Everything but the capitals' names, bottom first, in preview pixels. The `hovered`
    /// province is lightened and outlined over its own layer of lands (the computed cells or the
    /// outlines over them), under the sea and the lands beyond, which trim it as they trim its fill.
    fn shapes(&self, hovered: Option<usize>) -> impl Iterator<Item = Shape> + '_ {
        let outlines = self.lands.partition_point(|l| !self.shapes.outlined[l.province]);
        let (cells, outlined) = self.lands.split_at(outlines);
        let land = |l: &Land| [Shape::mesh(l.fill.clone()), l.border.clone()];
        let seas = self.seas.iter().map(|s| Shape::mesh(s.clone()));
        let cities = self.cities.iter().map(|c| Shape::circle_filled(*c, 1.3, INK.gamma_multiply(0.6)));
        let armies = self.armies.iter().map(|(at, colour)| {
            let rect = Rect::from_center_size(*at, ARMY);
            Shape::Rect(egui::epaint::RectShape::new(
                rect,
                0.5,
                *colour,
                Stroke::new(0.8, INK),
                egui::StrokeKind::Outside,
            ))
        });
        // A capital: its faction's colour in a dark ring, ringed in white to stand out of its land.
        let capitals = self.capitals.iter().flat_map(|c| {
            [4.5, 3.5, 2.0]
                .into_iter()
                .zip([Color32::WHITE, INK, c.colour])
                .map(|(r, fill)| Shape::circle_filled(c.at, r, fill))
        });
        (cells.iter().flat_map(land))
            .chain(highlight(cells, hovered))
            .chain(outlined.iter().flat_map(land))
            .chain(highlight(outlined, hovered))
            .chain([Shape::mesh(self.beyond.clone()), self.edge.clone()])
            .chain(seas)
            .chain(self.lines.iter().cloned())
            .chain(cities)
            .chain(armies)
            .chain(capitals)
    }
}

/// The `hovered` province among `lands`, lightened and outlined in white.
fn highlight(lands: &[Land], hovered: Option<usize>) -> impl Iterator<Item = Shape> + '_ {
    lands.iter().filter(move |l| Some(l.province) == hovered).flat_map(|l| {
        let mut light = l.fill.clone();
        light.vertices.iter_mut().for_each(|v| v.color = Color32::from_white_alpha(70));
        let mut ring = l.border.clone();
        if let Shape::Path(path) = &mut ring {
            path.stroke = Stroke::new(1.8, Color32::WHITE).into();
        }
        [Shape::mesh(light), ring]
    })
}

/// Draws `preview` as large as the space left in `ui` allows (at most its built size), names
/// the capitals, and names the province under the pointer.
pub(super) fn show(ui: &mut egui::Ui, preview: &Preview) {
    let room = ui.available_size();
    let scale = (room.x / SIZE.x).min(room.y / SIZE.y).clamp(0.3, 1.0);
    let (rect, response) = ui.allocate_exact_size(SIZE * scale, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let to_screen = TSTransform::new(rect.min.to_vec2(), scale);
    let hovered = response.hover_pos().and_then(|p| preview.province_at(to_screen.inverse() * p));
    for mut shape in preview.shapes(hovered) {
        shape.transform(to_screen);
        painter.add(shape);
    }
    for capital in &preview.capitals {
        let at = to_screen * capital.at;
        let galley = painter.layout_no_wrap(capital.name.clone(), FontId::proportional(13.0), INK);
        // Above the dot, kept inside the preview so that a capital by the edge still shows its name.
        let mut label = Rect::from_center_size(at - Vec2::new(0.0, 7.0 + galley.size().y / 2.0), galley.size());
        label = label.translate(Vec2::new(
            (rect.left() + 2.0 - label.left()).max(0.0) + (rect.right() - 2.0 - label.right()).min(0.0),
            (rect.top() + 2.0 - label.top()).max(0.0),
        ));
        painter.rect_filled(label.expand2(Vec2::new(3.0, 1.0)), 3.0, palette::Rgba([0.97, 0.94, 0.86, 0.8]).egui());
        painter.galley(label.min, galley, INK);
    }
    painter.rect_stroke(rect, 2.0, ui.visuals().widgets.noninteractive.bg_stroke, egui::StrokeKind::Inside);
    if let Some(i) = hovered {
        response.on_hover_text_at_pointer(&preview.names[i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ScenarioRef, builtin_scenarios, load_valid};

    fn preview_of(id: &str) -> (Preview, crate::scenario::ValidScenario) {
        let valid = load_valid(&ScenarioRef::Builtin(id.into())).expect("built-in");
        (preview(valid.scenario()), valid)
    }

    #[test]
    fn each_built_in_map_fits_its_preview() {
        let bounds = Rect::from_min_size(Pos2::ZERO, SIZE);
        for b in builtin_scenarios() {
            let (preview, _) = preview_of(&b.id);
            let frame = preview.shapes.frame;
            let corners = Rect::from_two_pos(preview.fit.pos(frame.min), preview.fit.pos(frame.max));
            assert!(bounds.expand(0.01).contains_rect(corners), "{}: the frame {corners:?} leaves {bounds:?}", b.id);
            // It fills the preview's width or its height.
            let filled = (corners.width() - (SIZE.x - 2.0 * PADDING))
                .abs()
                .min((corners.height() - (SIZE.y - 2.0 * PADDING)).abs());
            assert!(filled < 0.01, "{}: the frame {corners:?} is smaller than it could be", b.id);
            for p in preview.cities.iter().chain(preview.capitals.iter().map(|c| &c.at)) {
                assert!(bounds.contains(*p), "{}: a city at {p:?} is outside the preview", b.id);
            }
            assert!(!preview.capitals.is_empty(), "{}: no capital marked", b.id);
        }
    }

    #[test]
    fn each_province_is_painted_in_its_starting_owner_s_colour() {
        let (preview, valid) = preview_of("jingkang");
        let scenario = valid.scenario();
        let colour_of = |id: &str| {
            let i = scenario.provinces.iter().position(|p| p.id == id).expect(id);
            let land = preview.lands.iter().find(|l| l.province == i).expect("a land");
            assert!(!land.fill.indices.is_empty(), "{id} has no triangles");
            let colours: Vec<Color32> = land.fill.vertices.iter().map(|v| v.color).collect();
            assert!(colours.iter().all(|c| *c == colours[0]), "{id} in one colour");
            colours[0]
        };
        let song = scenario.factions.iter().find(|f| f.id == "song").expect("song");
        assert_eq!(colour_of("kaifeng"), land_colour(Some(&song.colour)));
        // Yanjing has no owner in the map file; the scenario's `owners` give it to Song.
        assert_eq!(colour_of("yanjing"), land_colour(Some(&song.colour)));
        let jin = scenario.factions.iter().find(|f| f.id == "jin").expect("jin");
        assert_eq!(colour_of("huining"), land_colour(Some(&jin.colour)));
        assert_ne!(land_colour(Some(&song.colour)), land_colour(Some(&jin.colour)));
        let kaifeng = preview.capitals.iter().find(|c| c.name == "Kaifeng").expect("Kaifeng marked");
        assert_eq!(preview.province_at(kaifeng.at), scenario.provinces.iter().position(|p| p.id == "kaifeng"));
    }

    #[test]
    fn every_built_in_preview_shows_the_owners_the_simulation_starts_with() {
        for b in builtin_scenarios() {
            let (preview, valid) = preview_of(&b.id);
            let data = std::sync::Arc::new(crate::sim::StaticData::new(&valid));
            let sim = crate::sim::Sim::new(data, &crate::sim::SimOptions { seed: 1, ..Default::default() });
            let view = sim.view();
            let factions = &sim.data().scenario.factions;
            for land in &preview.lands {
                let owner = view.provinces[land.province].owner.map(|f| factions[f.get()].colour.as_str());
                let colour = land.fill.vertices.first().map(|v| v.color);
                assert_eq!(colour, Some(land_colour(owner)), "{}: province {}", b.id, land.province);
            }
        }
    }

    #[test]
    fn a_map_with_a_frame_shows_the_lands_beyond_it_in_the_preview() {
        let (preview, valid) = preview_of("grand_campaign");
        assert!(valid.scenario().lines.iter().any(|l| l.kind == LineKind::Frame));
        let mesh = &preview.beyond;
        assert!(mesh.vertices.iter().all(|v| v.color == BEYOND));
        let inside = |p: Pos2, t: &[u32]| {
            let [a, b, c] = [0, 1, 2].map(|k| mesh.vertices[t[k] as usize].pos);
            let side = |u: Pos2, v: Pos2| (v - u).x * (p - u).y - (v - u).y * (p - u).x;
            let s = [side(a, b), side(b, c), side(c, a)];
            s.iter().all(|x| *x >= 0.0) || s.iter().all(|x| *x <= 0.0)
        };
        // Somewhere inside the preview, not under the sea, lies beyond the known world.
        let grid = (0..64).flat_map(|x| (0..44).map(move |y| pos2(x as f32 * 10.0 + 5.0, y as f32 * 10.0 + 5.0)));
        let seen = grid
            .filter(|p| !preview.shapes.seas.iter().any(|s| geometry::contains(s, preview.fit.point(*p))))
            .filter(|p| mesh.indices.chunks(3).any(|t| inside(*p, t)))
            .count();
        assert!(seen > 20, "only {seen} points of the preview show the lands beyond");
    }
}
