//! Every label of the HTML reports, in Danish and English, as an enum: a
//! missing or misspelled label does not compile (the old string-keyed table
//! showed `??` at run time).

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Danish (default).
    #[default]
    Da,
    /// English.
    En,
}

impl Lang {
    /// The language code for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// The text of `label` in this language.
    pub fn t(self, label: Label) -> &'static str {
        label.text(self)
    }
}

macro_rules! labels {
    ($($variant:ident = $da:literal, $en:literal;)+) => {
        /// A label of the reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Label {
            $(
                #[doc = $en]
                $variant,
            )+
        }

        impl Label {
            /// Every label, in declaration order.
            pub const ALL: &'static [Label] = &[$(Label::$variant),+];

            /// The text in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        (Label::$variant, Lang::Da) => $da,
                        (Label::$variant, Lang::En) => $en,
                    )+
                }
            }
        }
    };
}

labels! {
    TitleAllocate = "Boliganvisning: forslag til fordeling", "Housing allocation: proposals";
    TitleWhatif = "Hvad nu hvis: scenarier", "What if: scenarios";
    TitlePlan = "Kapacitetsplan: billigste udbygning", "Capacity plan: cheapest expansion";
    Round = "Runde", "Round";
    AtAGlance = "Runden kort", "The round at a glance";
    People = "Unge", "Young people";
    Units = "Boliger", "Units";
    Places = "Pladser", "Places";
    SupportSlots = "Ledige bostøttepladser", "Free support slots";
    Status = "Status", "Status";
    Optimal = "optimal (bevist)", "optimal (proven)";
    BestFound = "bedste fundne", "best found";
    Gap = "gab", "gap";
    Goals = "Programmets mål", "The programme's goals";
    GoalUnder18 = "Under 18 år i bolig", "Under 18 housed";
    Goal18To29 = "18–29 år i bolig", "Aged 18–29 housed";
    GoalSupport = "Boligplacerede med bostøtte", "Housed with support";
    GoalFemale = "Kvindelig medarbejder, hvor ønsket", "Female worker where asked";
    Target = "mål", "target";
    Met = "nået", "met";
    NotMet = "ikke nået", "not met";
    VsList = "Optimering mod prioriteret liste", "Optimiser vs priority list";
    Optimiser = "Optimering", "Optimiser";
    PriorityList = "Prioriteret liste", "Priority list";
    Housed = "I bolig", "Housed";
    PriorityScore = "Prioritetssum", "Priority score";
    FitScore = "Match", "Fit";
    PeopleUnit = "personer", "people";
    Proposals = "Rangerede forslag", "Ranked proposals";
    Proposal = "Forslag", "Proposal";
    Differs = "Forskel fra forslag 1", "Differs from proposal 1";
    SameHomes = "kun forskel i bostøttemedarbejdere", "only in support workers";
    Person = "Person", "Person";
    Unit = "Bolig", "Unit";
    Kind = "Type", "Kind";
    Area = "Område", "Area";
    Staff = "Medarbejder", "Worker";
    Method = "Metode", "Method";
    Priority = "Prioritet", "Priority";
    Reasons = "Hvorfor det passer", "Why it fits";
    Unplaced = "Ikke placeret", "Not placed";
    Reason = "Årsag", "Reason";
    Details = "Detaljer", "Details";
    Blocking = "Hvilke regler lukker flest boliger (for dem uden egnet bolig)", "Which rules close most units (for those with no eligible unit)";
    UnitsClosed = "boliger lukket", "units closed";
    UseByKind = "Brug af pladser efter boligtype", "Use of places by kind";
    UseByMethod = "Brug af bostøtte efter metode", "Use of support by method";
    Used = "Brugt", "Used";
    Available = "Til rådighed", "Available";
    Count = "antal", "count";
    ReasonNoUnit = "ingen egnet bolig", "no eligible unit";
    ReasonNoSupport = "ingen ledig bostøtte", "no support capacity";
    ReasonOutcompeted = "andre med højere prioritet gik forud", "outcompeted";
    DetailNoSupport = "ingen medarbejder med ledig kapacitet tilbyder de metoder, personens behov tillader", "no worker with free capacity offers the methods this person's need allows";
    DetailEligible = "egnede boliger gik til andre", "eligible units went to others";
    DetailLowest = "laveste prioritet placeret i en af dem", "lowest priority placed in one of them";
    DetailOther = "andre regler", "other rules";
    ExclRent = "husleje over det betalbare", "rent above affordable";
    ExclWomen = "kun kvinder", "women only";
    ExclMen = "kun mænd", "men only";
    ExclYoung = "under minimumsalder", "below minimum age";
    ExclOld = "over maksimumsalder", "above maximum age";
    ExclDrugfree = "stoffri bolig", "drug-free";
    ExclLate = "ikke ledig i tide", "not available in time";
    ExclDeclined = "afslået", "declined";
    ExclFull = "alle pladser beboet", "every place taken";
    ExclResident = "en beboer, reglerne for bofællesskaber holder adskilt", "a resident the shared-living rules keep apart";
    ExclFar = "for langt fra hjemområdet", "too far from home area";
    FitArea = "ønsket område", "preferred area";
    FitKind = "boligtypen passer", "kind of home suits";
    FitRent = "husleje giver luft", "rent leaves room";
    FitFemale = "kvindelig medarbejder som ønsket", "female worker as asked";
    FitMethod = "førstevalg af metode", "first-choice method";
    FitKnown = "den medarbejder, de kender", "the worker they know";
    KnownNotKept = "den medarbejder, de kender, er ikke bevaret", "the worker they know is not kept";
    Redacted = "Helbredsoplysninger er udeladt.", "Health-related reasons are left out.";
    Note = "Bemærk", "Note";
    Comparison = "Sammenligning", "Comparison";
    Scenario = "Scenarie", "Scenario";
    HousedByBand = "I bolig efter aldersgruppe", "Housed by age band";
    Under18 = "under 18", "under 18";
    Age18To24 = "18–24", "18–24";
    Age25To29 = "25–29", "25–29";
    Women = "kvinder", "women";
    Men = "mænd", "men";
    RentMonth = "Husleje i alt pr. md. (kr.)", "Total rent per month (kr)";
    ShelterSaved = "Sparet herberg pr. år (kr.)", "Shelter cost avoided per year (kr)";
    Change = "Ændring i bolig", "Change in housed";
    FirstMet = "først nået", "first met";
    NotWithin = "ikke inden for forløbet", "not within the sweep";
    Mix = "Billigste sammensætning", "Cheapest mix";
    Template = "Skabelon", "Template";
    CostEach = "Pris pr. stk. (kr.)", "Cost each (kr)";
    Cost = "Pris (kr.)", "Cost (kr)";
    TotalCost = "Samlet pris", "Total cost";
    Months = "måneder inkl. engangsudgifter", "months incl. one-off costs";
    Before = "Før", "Before";
    After = "Efter", "After";
    Unreachable = "Målene kan ikke nås med disse skabeloner", "The goals cannot be reached with these templates";
    BestAchievable = "bedst opnåelige", "best achievable";
    Enabled = "Fordelingen som udbygningen giver", "The allocation it enables";
    Generated = "Lavet af boligmatch", "Made by boligmatch";
    Shares = "andel (%)", "share (%)";
    GoalsOverSweep = "Mål og boligplacerede gennem forløbet", "Goals and housed over the sweep";
    ProgrammeSoFar = "Programmet indtil nu (alle på listen, også dem der er flyttet ind)", "The programme so far (everyone on the roster, moved-in included)";
    Median = "median", "median";
    Days = "dage", "days";
    WaitToHome = "Ventetid fra registrering til bolig (andel af dem, der fik bolig)", "Waiting time from registration to a home (share of those housed)";
    ChanceOfGoals = "Sandsynligheden for at nå målene ved slutdatoen", "The chance of meeting the goals by the end date";
    GoalsOverTime = "Målene over tid (median, 10.–90. percentil)", "The goals over time (median, 10th–90th percentile)";
    TitleSimulation = "boligmatch – simulering af programmet", "boligmatch – simulating the programme";
    HousedSoFar = "Flyttet ind indtil nu, og målene", "Moved in so far, and the goals";
    DeclinedBy = "Afslag efter årsag", "Offers declined, by reason";
    EndedBy = "Ophørte lejemål efter årsag", "Tenancies ended, by reason";
    WeekByWeek = "Uge for uge", "Week by week";
    TitleHistory = "boligmatch – programmet uge for uge", "boligmatch – the programme week by week";
    BudgetMix = "Bedste sammensætning inden for budgettet", "Best mix within the budget";
    Budget = "Budget", "Budget";
    NextStep = "Hvad de næste 100.000 kr. ville købe", "What the next 100,000 kr would buy";
    Measure = "Mål", "Measure";
    Now = "Med budgettet", "With the budget";
    WithMore = "Med 100.000 kr. mere", "With 100,000 kr more";
    HousedUnder18 = "Under 18 i bolig", "Under-18s housed";
    Housed18To29 = "18–29-årige i bolig", "18–29-year-olds housed";
    PriorityHoused = "Samlet prioritet i bolig", "Total priority housed";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_both_languages() {
        for l in Label::ALL {
            for lang in [Lang::Da, Lang::En] {
                assert!(!l.text(lang).trim().is_empty(), "{l:?} {lang:?}");
            }
        }
    }
}
