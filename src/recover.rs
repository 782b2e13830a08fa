//! Host recovery (placeholder).
