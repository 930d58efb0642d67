//! `kubectl create ingress NAME --rule=host/path=service:port[,tls[=secret]] [--class]
//! [--default-backend=service:port] [--annotation=k=v]`: the Ingress is built by the
//! tools module's generator (`kubarium_tools::generators`).

use super::super::flags::Parsed;
use super::super::Ctx;
use super::{generated, output_options, send};
use crate::command::CmdResult;

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    if let Err(e) = output_options(p) {
        return e;
    }
    let obj = match generated("ingress", p, name) {
        Ok(obj) => obj,
        Err(e) => return e,
    };
    send(
        p,
        ctx,
        (
            "networking.k8s.io",
            "ingresses",
            "ingress.networking.k8s.io",
            "failed to create ingress: ",
        ),
        name,
        obj,
    )
}
