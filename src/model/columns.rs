//! The exports' column contract: every column a file may have, its Danish
//! and other accepted spellings, and whether it is required. The readers in
//! `input` find columns by these; the aliases in the policy add to
//! them.

/// A column the contract knows.
pub struct Column {
    /// Canonical name.
    pub name: &'static str,
    /// Danish or other accepted header spellings.
    pub aliases: &'static [&'static str],
    /// Whether the header must be present.
    pub required: bool,
}

/// The column tables of the three exports, with their file names.
pub const COLUMN_TABLES: [(&[Column], &str); 3] = [
    (UNIT_COLUMNS, "units.csv"),
    (PEOPLE_COLUMNS, "people.csv"),
    (STAFF_COLUMNS, "staff.csv"),
];

/// units.csv's columns.
pub const UNIT_COLUMNS: &[Column] = &[
    Column {
        name: "unit_id",
        aliases: &["bolig_id", "boligid", "bolig", "lejemaal", "lejemål", "id"],
        required: true,
    },
    Column {
        name: "kind",
        aliases: &["type", "boligtype", "art"],
        required: true,
    },
    Column {
        name: "places",
        aliases: &["pladser", "antal_pladser"],
        required: false,
    },
    Column {
        name: "rent_dkk",
        aliases: &["husleje", "husleje_kr", "husleje_dkk", "leje", "rent"],
        required: true,
    },
    Column {
        name: "available_from",
        aliases: &["ledig_fra", "disponibel_fra", "fra_dato"],
        required: false,
    },
    Column {
        name: "drug_free",
        aliases: &["stoffri", "misbrugsfri"],
        required: false,
    },
    Column {
        name: "gender",
        aliases: &["køn", "koen"],
        required: false,
    },
    Column {
        name: "min_age",
        aliases: &["min_alder", "minimumsalder"],
        required: false,
    },
    Column {
        name: "max_age",
        aliases: &["max_alder", "maksimumsalder", "maks_alder"],
        required: false,
    },
    Column {
        name: "area",
        aliases: &["område", "omraade", "bydel", "kommune"],
        required: false,
    },
];

/// people.csv's columns.
pub const PEOPLE_COLUMNS: &[Column] = &[
    Column {
        name: "person_id",
        aliases: &["borger_id", "borgerid", "id", "pseudonym"],
        required: true,
    },
    Column {
        name: "gender",
        aliases: &["køn", "koen"],
        required: true,
    },
    Column {
        name: "age",
        aliases: &["alder"],
        required: true,
    },
    Column {
        name: "substance_use",
        aliases: &["misbrug", "rusmiddel", "rusmiddelbrug"],
        required: false,
    },
    Column {
        name: "psychiatric",
        aliases: &[
            "psykiatri",
            "psykiatrisk",
            "psykisk_sygdom",
            "psykisk_lidelse",
        ],
        required: false,
    },
    Column {
        name: "in_recovery",
        aliases: &[
            "i_behandling",
            "efterbehandling",
            "stoffri_ønske",
            "recovery",
        ],
        required: false,
    },
    Column {
        name: "income_dkk",
        aliases: &["indkomst", "indkomst_kr", "indtægt", "indtaegt", "income"],
        required: true,
    },
    Column {
        name: "max_rent_dkk",
        aliases: &["max_husleje", "maks_husleje", "max_leje"],
        required: false,
    },
    Column {
        name: "stay",
        aliases: &["opholdssted", "ophold", "opholdssted_nu"],
        required: false,
    },
    Column {
        name: "registered",
        aliases: &["registreret", "opskrevet", "skrevet_op", "ventet_siden"],
        required: false,
    },
    Column {
        name: "female_staff",
        aliases: &[
            "kvindelig_medarbejder",
            "kvindelig_bostøtte",
            "kvindelig_bostoette",
        ],
        required: false,
    },
    Column {
        name: "home_area",
        aliases: &["hjemområde", "hjemomraade", "hjemkommune", "bopæl"],
        required: false,
    },
    Column {
        name: "preferred_areas",
        aliases: &[
            "ønskede_områder",
            "oenskede_omraader",
            "ønsker",
            "foretrukne_områder",
        ],
        required: false,
    },
    Column {
        name: "declined_units",
        aliases: &["afslåede_boliger", "afslaaede_boliger", "afslag"],
        required: false,
    },
    Column {
        name: "pinned_unit",
        aliases: &["tilbudt_bolig", "fastholdt_bolig", "accepteret_bolig"],
        required: false,
    },
    Column {
        name: "known_staff_id",
        aliases: &[
            "kendt_medarbejder",
            "kendt_bostøtte",
            "opsøgende_medarbejder",
        ],
        required: false,
    },
];

/// staff.csv's columns.
pub const STAFF_COLUMNS: &[Column] = &[
    Column {
        name: "staff_id",
        aliases: &["medarbejder_id", "medarbejderid", "medarbejder", "id"],
        required: true,
    },
    Column {
        name: "gender",
        aliases: &["køn", "koen"],
        required: true,
    },
    Column {
        name: "method",
        aliases: &["metode"],
        required: true,
    },
    Column {
        name: "capacity",
        aliases: &["kapacitet", "ledige_pladser", "ledige_sager"],
        required: false,
    },
    Column {
        name: "caseload",
        aliases: &["sagsstamme", "antal_sager", "normering"],
        required: false,
    },
];

/// The offers record's columns, with their Danish spellings.
pub const RECORD_COLUMNS: &[Column] = &[
    Column {
        name: "person_id",
        aliases: &["borger_id"],
        required: true,
    },
    Column {
        name: "unit_id",
        aliases: &["bolig_id"],
        required: true,
    },
    Column {
        name: "staff_id",
        aliases: &["medarbejder_id"],
        required: false,
    },
    Column {
        name: "status",
        aliases: &[],
        required: true,
    },
    Column {
        name: "offered_on",
        aliases: &["tilbudt_den"],
        required: false,
    },
    Column {
        name: "respond_by",
        aliases: &["svarfrist"],
        required: false,
    },
    Column {
        name: "decided_on",
        aliases: &["besluttet_den", "svar_den"],
        required: false,
    },
    Column {
        name: "moved_in_on",
        aliases: &["indflyttet_den"],
        required: false,
    },
    Column {
        name: "ended_on",
        aliases: &["fraflyttet_den", "ophoert_den", "ophørt_den"],
        required: false,
    },
    Column {
        name: "reason",
        aliases: &["årsag", "aarsag"],
        required: false,
    },
    Column {
        name: "note",
        aliases: &["bemærkning", "bemaerkning", "note"],
        required: false,
    },
];
