"""What the workbooks say about each table: its title, units and notes, the English headings
of its columns, the labels of its codes and how its numbers are formatted.

One place for all of it, keyed by table name (the names `tables._read` and `_workbooks`
use). A new table gets an entry in TABLES; a new column a heading in HEADINGS (otherwise its
name is shown with spaces); a new code column a label heading in LABEL_HEADINGS and, unless
its labels come from a dimension table (`tables.labels`), its labels in CODE_LABELS. The
CSVs keep their machine-readable columns and codes; only the workbooks use this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["year", "count", "rate", "share", "population", "amount", "text"]


@dataclass(frozen=True)
class TableInfo:
    title: str
    units: str
    notes: str = ""

    @property
    def units_and_notes(self) -> str:
        return f"{self.units} {self.notes}".strip()


TABLES: dict[str, TableInfo] = {
    "victims_by_year": TableInfo(
        "Victims of trafficking in human beings identified, by year",
        "Number of victims (persons identified in the year; a person counts once a year); "
        "rate per 100,000 usually-resident population on 1 January.",
        "Child: under 18 at identification. Exploited in Romania = domestic trafficking.",
    ),
    "victims_by_county": TableInfo(
        "Victims identified, by county of residence",
        "Number of victims over the period; rate per 100,000 population = total victims / "
        "sum of the yearly populations (the average annual rate); population: average of the "
        "years' 1 January populations (INS POP105A).",
        "Victims whose residence is unknown count nationally, not in any county.",
    ),
    "victims_by_exploitation_country": TableInfo(
        "Victims exploited abroad, by country of exploitation",
        "Number of victims over the period.",
        "Countries other than Romania; victims whose country of exploitation is unknown are "
        "not shown.",
    ),
    "victims_by_form": TableInfo(
        "Victims identified, by main form of exploitation",
        "Number of victims over the period; share of the victims whose form is known.",
    ),
    "sdg_16_2_2": TableInfo(
        "SDG indicator 16.2.2: detected victims of trafficking per 100,000 population, "
        "by sex, age group and form of exploitation",
        "Number of victims; rate per 100,000 population of the same sex and age group "
        "(Eurostat demo_pjan for every row, totals included, so female + male = total).",
        "No rate for unknown sex or age: there is no population to divide by. Estimated total "
        "(each year's total row): an experimental estimate of all victims, detected or not, "
        "by multiple systems estimation over the police, DIICOT, ANITP and NGO lists, with its "
        "95% interval; not an official statistic.",
    ),
    "victims_by_status": TableInfo(
        "Registered victims by status: identified and presumed, by year",
        "Number of victims (persons): registered = identified + presumed (Eurostat).",
        "Identified: in the ANITP register (the official count). Presumed: injured parties in "
        "police or DIICOT cases and persons assisted by NGOs whom no ANITP record matches, "
        "counted once, in the year of their earliest record.",
    ),
    "criminal_justice_by_year": TableInfo(
        "Criminal justice response to trafficking in human beings, by year",
        "Number of cases and persons; confiscation and damages ordered in final decisions, in lei.",
        "Cases by year of police registration; persons sent to court (indictment or plea "
        "agreement) by year of the prosecutor's solution; convictions by year of the "
        "decision; a suspended sentence is a conviction.",
    ),
    "tip_categories": TableInfo(
        "Victims by US TIP Report category, by year",
        "Number of victims; children (under 18) and foreign citizens among them.",
        "Labor trafficking includes forced begging and forced criminal activities.",
    ),
    "eurostat_categories": TableInfo(
        "Registered victims by sex and form of exploitation (Eurostat crim_thb_vexp)",
        "Number of victims per year.",
    ),
    "citizenship_groups": TableInfo(
        "Registered victims by citizenship group (Eurostat)",
        "Number of victims per year.",
        "EU membership as in the year of identification.",
    ),
    "participation": TableInfo(
        "Victims taking part in criminal proceedings, by year",
        "Number of victims; share of the year's victims.",
    ),
    "eurostat_sex_age": TableInfo(
        "Registered victims by sex and age (Eurostat crim_thb_vsage)",
        "Number of victims; victims per million inhabitants of the same sex and age group.",
    ),
    "legal_status": TableInfo(
        "Persons suspected, prosecuted and convicted of trafficking (Eurostat)",
        "Number of persons per year.",
        "Suspected: year of the case's registration; prosecuted = sent to court: year of the "
        "prosecutor's solution; convicted: final conviction, year of the decision.",
    ),
    "glotip": TableInfo(
        "UNODC GLOTIP: detected victims, persons prosecuted and persons convicted",
        "Number of persons, in UNODC's long format.",
    ),
    "victims_by_county_year": TableInfo(
        "Victims identified, by county of residence and year",
        "Number of victims (persons, once a year); rate per 100,000 population "
        "(INS POP105A, 1 January).",
        "Victims whose residence is unknown count nationally, not in any county. County rates "
        "for children cannot be computed: the reference data has county totals only.",
    ),
    "victims_by_exploitation_country_year": TableInfo(
        "Victims exploited abroad, by country of exploitation and year",
        "Number of victims (persons, once a year).",
    ),
    "victims_by_form_year": TableInfo(
        "Victims identified, by main form of exploitation and year",
        "Number of victims (persons, once a year); share of the victims whose form is known.",
    ),
    "victims_by_citizenship_year": TableInfo(
        "Victims identified, by citizenship (every country) and year",
        "Number of victims (persons, once a year).",
        "An empty country code means citizenship unknown.",
    ),
    "victims_by_form_sex_age": TableInfo(
        "Victims identified, by form of exploitation, sex and age group",
        "Number of victims per year (the rows of the SDG 16.2.2 table by project form).",
    ),
    "data_quality": TableInfo(
        "Data-quality scorecard of the agencies' extracts, by agency, period and measure",
        "Shares of rows (0-100%), days or counts of files, with a traffic light (green, amber, "
        "red) by the thresholds of the sheet measures, and the change since the agency's "
        "previous period.",
        "Internal: about the agencies' data, not persons; not part of the public release. "
        "not applicable = the agency does not record the field; no data = nothing to measure.",
    ),
    "data_quality_measures": TableInfo(
        "Data-quality measures: definitions and traffic-light thresholds",
        "Thresholds in the measure's unit (share 0-1, days or count). Higher is better: green "
        "at or above green, amber at or above amber, else red; lower is better: the reverse.",
    ),
    "assistance_programme": TableInfo(
        "Assistance programmes: persons assisted and their criminal cases, by organisation "
        "and year",
        "Number of persons (once per organisation and year) and of distinct criminal cases.",
        "Internal, not disclosure-controlled. Cases are linked by the case number the "
        "organisation gives to the police, DIICOT and court records; a case found in none has "
        "no stage. Group and cross-border flags are DIICOT's.",
    ),
    "assistance_court_regions": TableInfo(
        "Assistance programmes: cases of the persons assisted, by court-of-appeal region",
        "Number of distinct cases tried in the region (a case tried in two regions counts in "
        "each).",
        "Internal. unknown = a court that cannot be placed in a region.",
    ),
    "victims_assisted": TableInfo(
        "Victims assisted, by year",
        "Number of persons.",
        "ANITP: whether the victims identified in the year accepted assistance; NGOs: persons "
        "entering a programme in the year, linked to the register by CNP pseudonym only.",
    ),
    "tip_children": TableInfo(
        "Child victims by TIP category: girls and boys",
        "Number of child victims (under 18) per year.",
        "A child whose sex is unknown is neither a girl nor a boy.",
    ),
    "criminal_justice_by_offence_year": TableInfo(
        "Criminal-justice counts by offence and year",
        "Number of cases and persons per offence of the codelist (trafficking and related).",
        "A person with two offences is in both rows, so the rows do not add up to the "
        "trafficking totals; is_trafficking_offence marks Criminal Code art. 210, 211 and Law "
        "678/2001 arts. 12, 13.",
    ),
    "offence_reclassification": TableInfo(
        "Persons charged under one offence and finally convicted under another",
        "Number of persons, by year of the final decision.",
        "A person is in every (dropped charge, new conviction offence) pair.",
    ),
    "persons_by_legal_status_sex": TableInfo(
        "Persons suspected, prosecuted and convicted of trafficking, by sex",
        "Number of persons per year; prosecuted = sent to court; convicted = final conviction.",
        "The sexes add up to the criminal-justice table's columns.",
    ),
    "persons_by_legal_status_citizenship": TableInfo(
        "Persons suspected, prosecuted and convicted of trafficking, by citizenship",
        "Number of persons per year (ISO 3166-1 alpha-2 code, or unknown).",
        "The courts do not record citizenship: a convicted person's comes from their police or "
        "DIICOT record.",
    ),
    "sentences_by_length": TableInfo(
        "Final trafficking convictions by sentence length",
        "Number of persons per year (one sentence per person and year: the longest).",
        "Below the statutory minimum: a prison term (suspended or not) shorter than the "
        "minimum in force at the decision, or a fine only.",
    ),
    "court_outcomes": TableInfo(
        "Final court decisions on trafficking offences, by outcome",
        "Number of persons per year.",
        "The court extract records no reason for an acquittal or termination (not_recorded).",
    ),
    "compensation": TableInfo(
        "Damages ordered for victims in final trafficking decisions",
        "Court files and victims (numar_victime, once per file); amounts in lei, ordered, not "
        "recovered or paid.",
    ),
    "case_durations": TableInfo(
        "Case durations (Kaplan-Meier), by registration year",
        "Median days from police registration to indictment and from indictment to the final "
        "decision; open cases are censored at the latest extract date.",
        "An empty median: fewer than half the cases reached the stage (not reached).",
    ),
    "metadata": TableInfo(
        "About these tables",
        "Period, extracts used, counting rules, breaks in series and disclosure control.",
    ),
}

HEADINGS: dict[str, str] = {
    "year": "Year",
    "victims": "Victims",
    "female": "Female",
    "male": "Male",
    "sex_unknown": "Sex unknown",
    "children": "Children (under 18)",
    "adults": "Adults (18+)",
    "age_unknown": "Age unknown",
    "domestic": "Exploited in Romania",
    "transnational": "Exploited abroad",
    "scope_unknown": "Place of exploitation unknown",
    "romanian_citizens": "Romanian citizens",
    "foreign_citizens": "Foreign citizens",
    "population": "Population on 1 January",
    "population_avg": "Average population",
    "rate_per_100k": "Rate per 100,000",
    "per_million": "Per million inhabitants",
    "share_of_known": "Share of known forms",
    "share_participating": "Share participating",
    "participating": "Taking part",
    "not_participating": "Not taking part",
    "participation_unknown": "Participation unknown",
    "police_cases_registered": "Police cases registered",
    "persons_suspected": "Persons suspected",
    "persons_sent_to_court": "Persons sent to court",
    "persons_convicted_first_instance": "Persons convicted at first instance",
    "persons_convicted_final": "Persons convicted (final)",
    "custodial_sentences": "Custodial sentences",
    "suspended_sentences": "Suspended sentences",
    "confiscation_lei": "Confiscation ordered (lei)",
    "damages_lei": "Damages awarded (lei)",
    "suspected": "Suspected",
    "prosecuted": "Prosecuted",
    "convicted": "Convicted",
    "item": "Item",
    "value": "Value",
    "note": "Note",
    "sdg_series_code": "UN series code",
    "girls": "Girls",
    "boys": "Boys",
    "anitp_accepted_assistance": "Accepted assistance (ANITP)",
    "anitp_declined_assistance": "Declined assistance (ANITP)",
    "anitp_assistance_not_recorded": "Assistance not recorded (ANITP)",
    "ngo_assisted_persons": "Persons entering an NGO programme",
    "ngo_assisted_identified": "Of them identified in the register",
    "victims_assisted": "Victims assisted",
    "identified": "Identified victims",
    "presumed": "Presumed victims",
    "registered": "Registered victims",
    "estimated_total": "Estimated total victims (experimental)",
    "estimated_total_low": "Estimate: lower bound (95%)",
    "estimated_total_high": "Estimate: upper bound (95%)",
}

# A code column's label column: its heading (the code column is headed "<this> (code)").
LABEL_HEADINGS: dict[str, str] = {
    "county_code": "County",
    "country_code": "Country",
    "exploitation_form": "Form of exploitation",
    "sex": "Sex",
    "age_group": "Age group",
    "eurostat_category": "Eurostat category",
    "tip_category": "TIP category",
    "citizenship_group": "Citizenship group",
    "participation": "Participation in proceedings",
    "sdg_form": "SDG form of exploitation",
}
# Where a table already has a name column for a code, the label goes there (in the workbook).
NAME_COLUMNS: dict[str, str] = {"county_code": "county_name", "country_code": "country_name"}

# Labels of the report categories that no codelist holds (the report marts define them).
CODE_LABELS: dict[str, dict[str, str]] = {
    "sex": {"F": "Female", "M": "Male", "U": "Unknown"},
    "age_group": {"child": "Child (0-17)", "adult": "Adult (18+)", "unknown": "Unknown age"},
    "eurostat_category": {
        "sexual": "Sexual exploitation",
        "labour": "Labour exploitation (forced labour or services)",
        "other": "Other forms of exploitation",
        "unknown": "Unknown",
    },
    "tip_category": {
        "sex": "Sex trafficking",
        "labor": "Labor trafficking",
        "other": "Other",
        "unspecified": "Unspecified",
    },
    "citizenship_group": {
        "reporting_country": "Romanian (reporting country)",
        "other_eu": "Other EU country",
        "non_eu": "Non-EU country",
        "unknown": "Unknown",
    },
    "sdg_form": {
        "sexual_exploitation": "Sexual exploitation",
        "forced_labour": "Forced labour",
        "organ_removal": "Organ removal",
        "other_purposes": "Other purposes",
    },
    "participation": {
        "participating": "Taking part",
        "not_participating": "Not taking part",
        "participation_unknown": "Unknown",
    },
}
TOTAL_LABEL = "Total"

NUMBER_FORMATS: dict[Kind, str] = {
    "year": "0",
    "count": "#,##0",
    "population": "#,##0",
    "amount": "#,##0",
    "rate": "0.00",
    "share": "0.0%",
}


def info(table: str) -> TableInfo:
    """A table without an entry is shown under its own name, without units."""
    return TABLES.get(table, TableInfo(table.replace("_", " ").capitalize(), ""))


def heading(column: str) -> str:
    if column in LABEL_HEADINGS:
        return f"{LABEL_HEADINGS[column]} (code)"
    return HEADINGS.get(column, column.replace("_", " ").capitalize())


def kind(column: str, numeric: bool) -> Kind:
    """How a column's numbers are shown; `numeric`: it holds numbers (and markers)."""
    if not numeric:
        return "text"
    if column.lower() == "year":
        return "year"
    if column.startswith("rate") or column.startswith("per_"):
        return "rate"
    if column.startswith("share"):
        return "share"
    if column.startswith("population"):
        return "population"
    if column.endswith("_lei"):
        return "amount"
    return "count"
