//! SLA clocks (时限): policy as data, computed clocks.
