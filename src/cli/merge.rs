//! `jingkang merge`: the report of a sweep played in shards (`whatif --shard K/N --out PART`),
//! put together from their partial results: the very report the whole sweep prints, in text,
//! JSON, CSV or chart, but for the seconds in its timing, which are the shards' added up.
use std::path::PathBuf;
use std::process::ExitCode;

use crate::sweep::ShardSet;

use super::sweep_report::{Failure, Outputs, Tally, exit, failed, invalid};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The partial result of every shard of the sweep, each once, in any order.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,
    #[command(flatten)]
    outputs: Outputs,
}

pub(super) fn run(args: &Args) -> ExitCode {
    exit(merge(args))
}

fn merge(args: &Args) -> Result<(), Failure> {
    // Every partial is read through and checked before anything is written.
    let shards = ShardSet::open(&args.parts).map_err(|e| invalid(format!("error: {e}")))?;
    let (data, spec) = (shards.data(), shards.sweep());
    let mut tally = Tally::new(data, spec, &args.outputs).map_err(invalid)?;
    shards.runs(|arm, run, summary| tally.add(data, arm, run, summary)).map_err(|e| invalid(format!("error: {e}")))?;
    tally.finish(data, spec, &args.outputs, shards.elapsed()).map_err(failed)
}
