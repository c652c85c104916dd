//! SLA clocks.
