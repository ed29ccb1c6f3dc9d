//! Writing a plan: assignments, territory summary, manifest, stdout summary. Atomic.
