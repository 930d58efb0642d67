//! Powering machines off and on, and adding workers: what `poweroff`, `reboot` and
//! `shutdown` do on a node, and what Kubarium's console (`kubarium node ...`) does from
//! outside, as a cloud console would. A machine that is off runs nothing: its kubelet and
//! containers stop (the runtime finds them exited with 255 when it boots), nothing
//! answers on its address, and the control plane notices as it would for a lost node.

use super::FIRST;
use crate::clock::{Millis, SECOND};
use crate::cluster::Cluster;

/// How long a machine takes from `reboot` to its services starting.
pub const REBOOT: Millis = 30 * SECOND;

/// Why a machine's power cannot be switched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PowerError {
    /// No machine is called that.
    NoSuchMachine,
    /// The control plane's machine, where the learner's shell runs.
    ControlPlane,
}

impl Cluster {
    /// Whether machine `name` is powered off.
    pub fn powered_off(&self, name: &str) -> bool {
        self.host(name).is_some_and(|h| h.off)
    }

    /// Turns machine `name` off (nothing when it is off already); with `reboot`, it
    /// boots again after `REBOOT`.
    pub fn power_off(&mut self, name: &str, reboot: bool) -> Result<(), PowerError> {
        let i = self.host_index(name).ok_or(PowerError::NoSuchMachine)?;
        if name == FIRST {
            return Err(PowerError::ControlPlane);
        }
        let now = self.now();
        if !self.hosts()[i].off {
            let _ = self.stop_unit(name, "kubelet");
            if let Some(k) = self.kubelets.iter_mut().find(|k| k.node == name) {
                k.power_off(now);
            }
            self.hosts_mut()[i].off = true;
        }
        self.hosts_mut()[i].boot_at = reboot.then_some(now + REBOOT);
        self.settle();
        Ok(())
    }

    /// Turns machine `name` on: it boots, and its enabled services start (nothing when
    /// it is on already).
    pub fn power_on(&mut self, name: &str) -> Result<(), PowerError> {
        let i = self.host_index(name).ok_or(PowerError::NoSuchMachine)?;
        self.boot(i);
        self.settle();
        Ok(())
    }

    fn boot(&mut self, i: usize) {
        let host = &mut self.hosts_mut()[i];
        host.boot_at = None;
        if !host.off {
            return;
        }
        host.off = false;
        let name = host.name.clone();
        let enabled = host.systemd.unit("kubelet").is_some_and(|u| u.enabled);
        if let Some(k) = self.kubelets.iter_mut().find(|k| k.node == name) {
            k.power_on();
        }
        if enabled {
            self.run_kubelet(i, None);
        }
    }

    /// Boots the machines whose reboot is due.
    pub(crate) fn boot_due(&mut self) {
        let now = self.now();
        for i in 0..self.hosts().len() {
            if self.hosts()[i].boot_at.is_some_and(|t| t <= now) {
                self.boot(i);
            }
        }
    }
}
