//! Runnable examples of flytekit-rs; each file in this folder says how to run it.
