//! Names: events rename factions and provinces ("Song becomes Southern Song"). Ids stay; from the
//! month of the rename, every line of the chronicle, the view and the window use the new name.
use bevy_app::App;
use bevy_ecs::prelude::*;

use crate::sim::compiled::Command;
use crate::sim::data::Static;
use crate::sim::schedule::{EffectSystems, Turn};
use crate::sim::state::{Agree, ApplyEffect, ChronicleWriter, Names};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectSystems::Names));
}

fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    data: Static,
    mut names: ResMut<Names>,
    mut chronicle: ChronicleWriter,
) {
    for ApplyEffect(command) in effects.read() {
        match command {
            Command::RenameFaction { faction, name, plural } => {
                let f = *faction;
                if (names.faction(f), names.faction_agrees(f).plural) != (name.as_ref(), *plural) {
                    chronicle.write(|| becomes(names.faction(f), names.faction_agrees(f), name));
                    names.rename_faction(f, name, *plural);
                }
            }
            Command::RenameProvince { province, name, plural } => {
                let p = *province;
                if (names.province(p), names.province_agrees(p).plural) != (name.as_ref(), *plural) {
                    chronicle.write(|| becomes(names.province(p), names.province_agrees(p), name));
                    names.rename_province(p, name, *plural);
                }
            }
            Command::RenameArmy { army, name } if names.army(&data, *army) != name.as_ref() => {
                chronicle.write(|| becomes(names.army(&data, *army), Agree::default(), name));
                names.rename_army(&data, *army, name);
            }
            _ => {}
        }
    }
}

/// The chronicle's line for a rename, the verb agreeing with the old name: "Song becomes
/// Southern Song.", "Xinye and Fancheng become Xiangyang."
fn becomes(old: &str, agrees: Agree, new: &str) -> String {
    format!("{old} {} {new}.", agrees.verb("becomes", "become"))
}

#[cfg(test)]
mod tests {
    use crate::sim::testing::{chronicle, scenario, sim_with_humans};

    /// Blue cedes B to Red, and the same option renames B and Red.
    fn renamed(effects: &str) -> crate::sim::Sim {
        let events = format!(
            r#"events: [Event(id: "terms", title: "Terms", faction: "blue", options: [Option(id: "cede", name: "Cede B",
                effects: [Cede(province: "b", to: "red"), {effects}])])],"#
        );
        let mut s = scenario("", &events);
        s.provinces[1].loyalty = 0;
        // Red waits; Blue's AI answers at once.
        sim_with_humans(s, 1, &["red"])
    }

    #[test]
    fn a_renamed_province_and_faction_go_by_their_new_names_from_that_month() {
        let mut game = renamed(
            r#"RenameProvince(province: "b", name: "Xinye and Fancheng", plural: true),
               RenameFaction(faction: "red", name: "Southern Red")"#,
        );
        game.step();
        let lines = chronicle(&game);
        let month: Vec<&str> = lines.iter().map(|l| l.split_once(' ').map_or("", |(_, text)| text)).collect();
        // The renames come first, in the option's order, so the cession is told in the new names,
        // the verb agreeing.
        assert_eq!(
            month,
            [
                "Terms (Blue): Cede B.",
                "B becomes Xinye and Fancheng.",
                "Red becomes Southern Red.",
                "Xinye and Fancheng pass to Southern Red."
            ],
            "{lines:#?}"
        );
        let (b, red) = (game.data().province("b"), game.data().faction("red"));
        let view = game.view();
        assert_eq!(
            (view.provinces[b.get()].name.as_str(), view.factions[red.get()].name.as_str()),
            ("Xinye and Fancheng", "Southern Red")
        );
        let report = game.report();
        assert_eq!(report.provinces[b.get()].name, "Xinye and Fancheng");
        assert_eq!(
            (report.provinces[b.get()].id.as_str(), report.provinces[b.get()].owner.as_deref()),
            ("b", Some("red")),
            "ids stay"
        );
    }

    #[test]
    fn a_name_given_again_says_nothing_and_a_plural_name_may_become_singular() {
        let mut game = renamed(
            r#"RenameFaction(faction: "blue", name: "Blue"),
               RenameProvince(province: "c", name: "Xinye and Fancheng", plural: true)"#,
        );
        game.step();
        let lines = chronicle(&game);
        assert!(!lines.iter().any(|l| l.contains("Blue becomes")), "{lines:#?}");
        assert!(lines.iter().any(|l| l.ends_with("C becomes Xinye and Fancheng.")), "{lines:#?}");
        let c = game.data().province("c");
        let rename = crate::sim::Command::RenameProvince { province: c, name: "Xiangyang".into(), plural: false };
        game.world_mut().write_message(crate::sim::state::ApplyEffect(rename));
        game.step();
        let lines = chronicle(&game);
        assert!(lines.iter().any(|l| l.ends_with("Xinye and Fancheng become Xiangyang.")), "{lines:#?}");
        assert_eq!(game.view().provinces[c.get()].name, "Xiangyang");
    }

    #[test]
    fn a_renamed_army_goes_by_its_new_name_until_it_gets_its_old_one_back() {
        let events = r#"events: [Event(id: "muster", title: "Muster", faction: "red", options: [Option(id: "go", name: "Go",
            effects: [RenameArmy(army: "red_army", name: "Eastern Route Army")])])],"#;
        let s = scenario(
            r#"Army(id: "red_army", name: "Aguda's Host", owner: "red", location: "a", troops: {"infantry": 6000})"#,
            events,
        );
        let mut game = sim_with_humans(s, 1, &["blue"]);
        game.step();
        let lines = chronicle(&game);
        assert!(lines.iter().any(|l| l.ends_with("Aguda's Host becomes Eastern Route Army.")), "{lines:#?}");
        let red_army = game.data().army("red_army");
        let name =
            |game: &crate::sim::Sim| game.view().armies.iter().find(|a| a.ix == red_army).map(|a| a.name.clone());
        assert_eq!(name(&game).as_deref(), Some("Eastern Route Army"));
        let names = game.world().resource::<crate::sim::state::Names>();
        assert!(!names.are_the_scenario_s(&game.data().scenario), "a renamed army is saved with the names");
        let back = crate::sim::Command::RenameArmy { army: red_army, name: "Aguda's Host".into() };
        game.world_mut().write_message(crate::sim::state::ApplyEffect(back));
        game.step();
        assert_eq!(name(&game).as_deref(), Some("Aguda's Host"));
        let names = game.world().resource::<crate::sim::state::Names>();
        assert!(names.are_the_scenario_s(&game.data().scenario), "its own name back, the rename is forgotten");
    }
}
