//! Host-side certificate set (placeholder).
