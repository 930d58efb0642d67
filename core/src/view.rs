//! Plain data about the cluster for the UI map.
