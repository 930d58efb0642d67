//! `kubectl create quota NAME [--hard=key=quantity,...] [--scopes=Scope,...]`: the
//! ResourceQuota is built by the tools module's generator.

use super::super::flags::Parsed;
use super::super::Ctx;
use super::{generated, output_options, send};
use crate::command::CmdResult;

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    if let Err(e) = output_options(p) {
        return e;
    }
    let obj = match generated("quota", p, name) {
        Ok(obj) => obj,
        Err(e) => return e,
    };
    send(
        p,
        ctx,
        (
            "",
            "resourcequotas",
            "resourcequota",
            "failed to create quota: ",
        ),
        name,
        obj,
    )
}
