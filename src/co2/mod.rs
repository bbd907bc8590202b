//! Stage: CO₂ estimate of keeping the audited bytes stored.
//!
//! Model and factors as docs/co2.md gives them, each with its public source
//! ([S#] there). Per stored TB, per copy, per year:
//!
//! ```text
//! operational = P (W/TB) × 8.76 (kWh per W-year) × PUE × grid (kg/kWh)
//! embodied    = EC_drive / C_drive (kg/TB) × raw/stored ÷ life (years)
//! ```
//!
//! `low` and `high` combine the ends of every parameter's range: a bounding
//! box, not a confidence interval. Results are location-based.

use serde::Serialize;

/// kWh in one watt running for a year.
const KWH_PER_WATT_YEAR: f64 = 8.76;

/// A central value with its range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Range {
    /// Central estimate.
    pub central: f64,
    /// Lowest plausible.
    pub low: f64,
    /// Highest plausible.
    pub high: f64,
}

impl Range {
    fn scale(self, k: f64) -> Range {
        Range {
            central: self.central * k,
            low: self.low * k,
            high: self.high * k,
        }
    }

    fn add(self, o: Range) -> Range {
        Range {
            central: self.central + o.central,
            low: self.low + o.low,
            high: self.high + o.high,
        }
    }
}

/// Where the copies live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Medium {
    /// Spinning disks in a NAS or SAN (default).
    Hdd,
    /// Flash storage.
    Ssd,
    /// LTO tape on a shelf.
    Lto,
    /// Cloud object storage (S3-like, 3 replicas per copy).
    Cloud,
}

/// One grid zone.
#[derive(Clone, Copy, Debug)]
pub struct Grid {
    /// Zone id (`fr`…), or `custom`.
    pub id: &'static str,
    /// kg CO₂e per kWh, location-based annual average.
    pub kg_per_kwh: f64,
    /// Source and year.
    pub source: &'static str,
}

/// Built-in grid zones (docs/co2.md: ADEME 2025 for France, Ember 2024 for the rest).
pub const GRIDS: &[Grid] = &[
    Grid {
        id: "fr",
        kg_per_kwh: 0.0461,
        source: "ADEME Base Empreinte, Électricité 2025 mix moyen consommation [S11]",
    },
    Grid {
        id: "be",
        kg_per_kwh: 0.118,
        source: "Ember 2024, via co2.js average-intensities [S12]",
    },
    Grid {
        id: "de",
        kg_per_kwh: 0.342,
        source: "Ember 2024, via co2.js average-intensities [S12]",
    },
    Grid {
        id: "uk",
        kg_per_kwh: 0.216,
        source: "Ember 2024, via co2.js average-intensities [S12]",
    },
    Grid {
        id: "eu",
        kg_per_kwh: 0.213,
        source: "Ember 2024 (EU-27), via co2.js average-intensities [S12]",
    },
    Grid {
        id: "us",
        kg_per_kwh: 0.384,
        source: "Ember 2024, via co2.js average-intensities [S12]",
    },
    Grid {
        id: "world",
        kg_per_kwh: 0.473,
        source: "Ember 2024, via co2.js average-intensities [S12]",
    },
];

/// Parses `--grid`: a zone id or a number of kg CO₂e per kWh.
pub fn grid(spec: &str) -> Result<Grid, String> {
    let lower = spec.trim().to_ascii_lowercase();
    if let Some(g) = GRIDS.iter().find(|g| g.id == lower) {
        return Ok(*g);
    }
    match lower.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=2.0).contains(&v) => Ok(Grid {
            id: "custom",
            kg_per_kwh: v,
            source: "given by the user",
        }),
        _ => Err(format!(
            "unknown grid '{spec}': use fr, be, de, uk, eu, us, world, or kg CO2e per kWh (0 to 2)"
        )),
    }
}

/// Storage assumptions.
#[derive(Clone, Copy, Debug)]
pub struct Assumptions {
    /// Grid zone.
    pub grid: Grid,
    /// Medium of every copy.
    pub medium: Medium,
    /// Copies kept (3-2-1 means 3).
    pub copies: u32,
    /// Years kept.
    pub years: f64,
    /// Room PUE replacing the default range for on-premises media.
    pub pue: Option<f64>,
}

/// The per-TB model parameters of one medium, as (central, low-end, high-end).
struct Params {
    watts_per_tb: [f64; 3],
    pue: [f64; 3],
    /// Embodied kg per stored TB before the life division (already × raw/stored).
    embodied_kg_per_tb: [f64; 3],
    life_years: [f64; 3],
    /// Copies stored per copy asked (cloud replication).
    replication: [f64; 3],
}

fn params(m: Medium) -> Params {
    // raw/stored = 1 / (RAID efficiency × fill): 0.75 × 0.7 central,
    // 0.83 × 0.85 low, 0.67 × 0.5 high: RAID 6 of 8 drives (6/8) at 70 % full,
    // from wider arrays kept fuller to small arrays half full (engineering estimate).
    let raw = [1.0 / (0.75 * 0.7), 1.0 / (0.83 * 0.85), 1.0 / (0.67 * 0.5)];
    match m {
        // HDD NAS: 1.0 W per stored TB (0.4–3); 30 kg per drive (20–40) [S3][S7]
        // on 20 TB drives (10 TB at the high end); life 5 years (3–7).
        Medium::Hdd => Params {
            watts_per_tb: [1.0, 0.4, 3.0],
            pue: [1.5, 1.0, 2.0],
            embodied_kg_per_tb: [
                30.0 / 20.0 * raw[0],
                raw[1], // 20 kg / 20 TB
                40.0 / 10.0 * raw[2],
            ],
            life_years: [5.0, 7.0, 3.0],
            replication: [1.0; 3],
        },
        // SSD: 1.2 W/TB (0.3–2.5) [S1]; 50 kg/TB (3–160) [S3][S5][S6].
        Medium::Ssd => Params {
            watts_per_tb: [1.2, 0.3, 2.5],
            pue: [1.5, 1.0, 2.0],
            embodied_kg_per_tb: [50.0 * raw[0], 3.0 * raw[1], 160.0 * raw[2]],
            life_years: [5.0, 7.0, 3.0],
            replication: [1.0; 3],
        },
        // LTO on a shelf: no power [S7]; 1.1 kg per TB of cartridge (0.5–2.7) [S9][S7],
        // spread over the years kept (life = years, set by the caller).
        Medium::Lto => Params {
            watts_per_tb: [0.0; 3],
            pue: [1.0; 3],
            embodied_kg_per_tb: [1.1, 0.5, 2.7],
            life_years: [0.0; 3],
            replication: [1.0; 3],
        },
        // Cloud: 0.65 W/TB drive power, PUE 1.135 (AWS), 3 replicas [S1];
        // embodied 0.40 kg/TB/yr per replica (30 kg ÷ 15 TB ÷ 5 yr) [S2].
        Medium::Cloud => Params {
            watts_per_tb: [0.65, 0.3, 0.9],
            pue: [1.135, 1.1, 1.185],
            embodied_kg_per_tb: [2.0, 2.0, 2.0],
            life_years: [5.0, 5.0, 5.0],
            replication: [3.0, 2.0, 6.0],
        },
    }
}

/// Operational and embodied kg CO₂e per stored TB, per copy, per year.
pub fn per_tb_year(a: &Assumptions) -> (Range, Range) {
    let mut p = params(a.medium);
    if let Some(pue) = a
        .pue
        .filter(|_| matches!(a.medium, Medium::Hdd | Medium::Ssd))
    {
        p.pue = [pue; 3];
    }
    let at = |k: usize| {
        let life = if a.medium == Medium::Lto {
            a.years.max(1.0)
        } else {
            p.life_years[k]
        };
        let op = p.watts_per_tb[k] * KWH_PER_WATT_YEAR * p.pue[k] * a.grid.kg_per_kwh;
        let emb = p.embodied_kg_per_tb[k] / life;
        (op * p.replication[k], emb * p.replication[k])
    };
    let (c, l, h) = (at(0), at(1), at(2));
    (
        Range {
            central: c.0,
            low: l.0,
            high: h.0,
        },
        Range {
            central: c.1,
            low: l.1,
            high: h.1,
        },
    )
}

/// The report's `co2` object.
#[derive(Clone, Debug, Serialize)]
pub struct Co2Report {
    /// Operational + embodied, per year, for every copy.
    pub kg_per_year: Range,
    /// Electricity, per year.
    pub operational_kg_per_year: Range,
    /// Manufacturing amortised over the drives' life, per year.
    pub embodied_kg_per_year: Range,
    /// The share allocated to reclaimable bytes, per year: a real saving only
    /// when drives are retired or purchases avoided.
    pub reclaimable_kg_per_year: Range,
    /// Over `years` (addition).
    pub kg_total: Range,
    /// What the figures assume.
    pub assumptions: Co2Assumptions,
    /// Source and year of every factor.
    pub sources: Vec<String>,
    /// How to read the figures (addition).
    pub note: &'static str,
}

/// `co2.assumptions`.
#[derive(Clone, Debug, Serialize)]
pub struct Co2Assumptions {
    /// kg CO₂e per kWh.
    pub grid_kg_per_kwh: f64,
    /// Source of the grid factor.
    pub grid_source: String,
    /// Grid zone id (addition).
    pub grid_zone: &'static str,
    /// Storage medium.
    pub medium: Medium,
    /// Copies.
    pub copies: u32,
    /// Years kept.
    pub years: f64,
    /// Operational and embodied kg per stored TB per copy per year (addition).
    pub per_tb_copy_year: Range,
}

/// Bytes per TB (decimal, as drive vendors count).
const TB: f64 = 1e12;

/// Estimates the footprint of storing `bytes` (and the share of `reclaimable`).
pub fn estimate(bytes: u64, reclaimable: u64, a: &Assumptions) -> Co2Report {
    let (op, emb) = per_tb_year(a);
    let per_tb = op.add(emb);
    let tb_copies = |b: u64| b as f64 / TB * f64::from(a.copies);
    let operational = op.scale(tb_copies(bytes));
    let embodied = emb.scale(tb_copies(bytes));
    let total = operational.add(embodied);
    let mut sources = vec![
        format!("grid {:.4} kg/kWh: {}", a.grid.kg_per_kwh, a.grid.source),
        "model and defaults: footprint docs/co2.md (per stored TB: W/TB × 8.76 × PUE × grid + embodied ÷ life)".to_string(),
    ];
    sources.extend(medium_sources(a.medium).iter().map(|s| s.to_string()));
    if let Some(pue) = a
        .pue
        .filter(|_| matches!(a.medium, Medium::Hdd | Medium::Ssd))
    {
        sources.push(format!(
            "PUE {pue} for central, low and high: set in footprint.toml"
        ));
    }
    Co2Report {
        kg_per_year: total,
        operational_kg_per_year: operational,
        embodied_kg_per_year: embodied,
        reclaimable_kg_per_year: per_tb.scale(tb_copies(reclaimable)),
        kg_total: total.scale(a.years),
        assumptions: Co2Assumptions {
            grid_kg_per_kwh: a.grid.kg_per_kwh,
            grid_source: a.grid.source.to_string(),
            grid_zone: a.grid.id,
            medium: a.medium,
            copies: a.copies,
            years: a.years,
            per_tb_copy_year: per_tb,
        },
        sources,
        note: "Location-based estimate; low-high combine the ends of every factor's range. \
reclaimable_kg_per_year is an allocated share: it becomes a saving only when drives are \
retired or a purchase is avoided. If this storage is already in your organisation's GHG \
inventory, this is a share of it, not an addition.",
    }
}

fn medium_sources(m: Medium) -> &'static [&'static str] {
    match m {
        Medium::Hdd => &[
            "HDD NAS power 1.0 W per stored TB (0.4-3): engineering estimate consistent with Cloud Carbon Footprint 2021-23 [S1] and ScottLogic TCS 2024 [S24]",
            "PUE on-premises 1.5 (1.0-2.0): engineering estimate for a machine room (1.0 a cold room, 2.0 an old one)",
            "HDD manufacturing 30 kg per drive (20-40): Boavizta factors.yml from UBA 2021 [S3]; Seagate Decarbonizing Data 2025 [S7]",
            "RAID 0.75 × fill 0.7 (raw/stored 1.9); drive 20 TB; life 5 years (3-7): engineering estimates (docs/co2.md)",
        ],
        Medium::Ssd => &[
            "SSD power 1.2 W/TB (0.3-2.5): Cloud Carbon Footprint 2021-23 [S1]",
            "PUE on-premises 1.5 (1.0-2.0): engineering estimate for a machine room (1.0 a cold room, 2.0 an old one)",
            "SSD manufacturing 50 kg/TB (3-160): Boavizta 2023 [S3]; Tannu & Nair 2022 [S5]; Seagate via Pure Storage 2025 [S6]",
            "RAID 0.75 × fill 0.7; life 5 years (3-7): engineering estimates (docs/co2.md)",
        ],
        Medium::Lto => &[
            "LTO offline: no operating power; vault climate not modelled: Seagate Decarbonizing Data 2025 [S7]",
            "LTO cartridge 1.1 kg/TB (0.5-2.7), spread over the years kept: Fujifilm/Brad Johns via IAB Europe 2022 [S9]; Seagate 2025 [S7]",
        ],
        Medium::Cloud => &[
            "Cloud drive power 0.65 W/TB, PUE 1.135 (AWS), 3 replicas per copy (2-6): Cloud Carbon Footprint constants 2021-23 [S1]",
            "Cloud embodied 0.40 kg/TB/yr per replica: DigitalPebble spruce PR #275, 2025 [S2]",
            "Service-level LCA sensitivity (not used): 166-280 kg/TB/yr, UBA Green Cloud Computing 2021 [S4]",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdd(zone: &str, copies: u32, years: f64) -> Assumptions {
        Assumptions {
            grid: grid(zone).unwrap(),
            medium: Medium::Hdd,
            copies,
            years,
            pue: None,
        }
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs()
    }

    #[test]
    fn per_tb_figures_match_the_vetted_worked_examples() {
        // docs/co2.md worked examples: France 0.61 + 0.57 = 1.18 (0.36-6.2); Germany 4.49 + 0.57 = 5.07 (1.6-22).
        let (op, emb) = per_tb_year(&hdd("fr", 1, 5.0));
        assert!(close(op.central, 0.61, 0.02), "{op:?}");
        assert!(close(emb.central, 0.57, 0.02), "{emb:?}");
        assert!(close(op.central + emb.central, 1.18, 0.02));
        assert!(close(op.low + emb.low, 0.36, 0.05));
        assert!(close(op.high + emb.high, 6.2, 0.05));
        let (op, emb) = per_tb_year(&hdd("de", 1, 5.0));
        assert!(close(op.central, 4.49, 0.02), "{op:?}");
        assert!(close(op.central + emb.central, 5.07, 0.02));
        assert!(close(op.high + emb.high, 22.0, 0.05));
        // Other zones quoted for comparison: BE 2.1, UK 3.4, EU 3.4, US 5.6, world 6.8.
        for (zone, want) in [
            ("be", 2.1),
            ("uk", 3.4),
            ("eu", 3.4),
            ("us", 5.6),
            ("world", 6.8),
        ] {
            let (op, emb) = per_tb_year(&hdd(zone, 1, 5.0));
            assert!(close(op.central + emb.central, want, 0.04), "{zone}");
        }
    }

    #[test]
    fn episode_example() {
        // 300 GB, 3 copies, HDD NAS, 5 years: France 5.3 kg (2.7 + 2.6), Germany 22.8 kg.
        let fr = estimate(300_000_000_000, 0, &hdd("fr", 3, 5.0));
        assert!(close(fr.kg_total.central, 5.3, 0.02), "{:?}", fr.kg_total);
        assert!(close(fr.operational_kg_per_year.central * 5.0, 2.7, 0.03));
        assert!(close(fr.embodied_kg_per_year.central * 5.0, 2.6, 0.03));
        assert!(close(fr.kg_total.low, 1.6, 0.05) && close(fr.kg_total.high, 28.0, 0.05));
        let de = estimate(300_000_000_000, 0, &hdd("de", 3, 5.0));
        assert!(close(de.kg_total.central, 22.8, 0.02), "{:?}", de.kg_total);
    }

    #[test]
    fn reclaimable_share_example() {
        // 4 TB of duplicates kept on a NAS ×3: 14 kg/yr in France, 61 in Germany.
        let fr = estimate(4_000_000_000_000, 4_000_000_000_000, &hdd("fr", 3, 5.0));
        assert!(close(fr.reclaimable_kg_per_year.central, 14.0, 0.03));
        let de = estimate(4_000_000_000_000, 4_000_000_000_000, &hdd("de", 3, 5.0));
        assert!(close(de.reclaimable_kg_per_year.central, 61.0, 0.03));
    }

    #[test]
    fn grid_zones_and_numbers() {
        assert_eq!(grid("DE").unwrap().kg_per_kwh, 0.342);
        assert_eq!(grid("0.1").unwrap().id, "custom");
        assert!(grid("mars").is_err());
        assert!(grid("-1").is_err());
        assert!(grid("NaN").is_err());
    }

    #[test]
    fn cloud_and_lto_are_in_the_expected_class() {
        let cloud = Assumptions {
            medium: Medium::Cloud,
            ..hdd("fr", 1, 5.0)
        };
        let (op, emb) = per_tb_year(&cloud);
        // 0.3 TB × 5 yr, 3 replicas: ≈ 3.3 kg in Paris (docs/co2.md worked example).
        assert!(close((op.central + emb.central) * 1.5, 3.3, 0.1));
        let lto = Assumptions {
            medium: Medium::Lto,
            ..hdd("de", 1, 5.0)
        };
        let (op, emb) = per_tb_year(&lto);
        assert_eq!(op.central, 0.0);
        assert!(close(emb.central, 1.1 / 5.0, 1e-9));
    }
}
