//! klog's quoting of a structured value, shared by the core's klog lines and the
//! tools' programs that print them (crictl, the control plane's programs).

/// A structured message's quoted value, as klog quotes it.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
