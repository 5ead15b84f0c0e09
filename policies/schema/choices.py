"""The choices a policy makes between fixed options, each with a plain-English label."""

from __future__ import annotations

from .base import Choice


class AppraisalModel(Choice):
    OBJECTIVES = "objectives", "Objectives set and reviewed each year"
    CONVERSATIONS = "conversations", "Developmental conversations (no objectives)"
    PDP = "pdp", "Personal development plan"


class PartYearStart(Choice):
    SHORT_FIRST_CYCLE = (
        "short_first_cycle",
        "A shorter first cycle that ends with everyone else's",
    )
    HEADTEACHER_DECIDES = (
        "headteacher_decides",
        "The headteacher (CEO for a headteacher, the board for the CEO) sets the first "
        "cycle's length to bring it into line with others",
    )
    JOIN_NEXT_CYCLE = "join_next_cycle", "They join at the start of the next cycle"


class ObjectiveKind(Choice):
    WHOLE_SCHOOL_OR_TEAM = "whole_school_or_team", "A whole-school or team objective"
    PROFESSIONAL_DEVELOPMENT = "professional_development", "A professional development objective"
    LEADERSHIP_ROLE = "leadership_role", "An objective on their leadership role"
    STUDENT_PROGRESS = "student_progress", "An objective on improving student progress"
    STUDENT_OUTCOMES = "student_outcomes", "An objective on outcomes for students"
    SUBJECT_RESPONSIBILITY = "subject_responsibility", "A target on their subject responsibility"
    POST_THRESHOLD = "post_threshold", "A target on their post-threshold area"
    ACADEMY_OR_TRUST = "academy_or_trust", "An academy or trust target"


class Decider(Choice):
    REVIEWER = "reviewer", "The reviewer"
    HEADTEACHER = (
        "headteacher",
        "The headteacher (the executive headteacher for central staff)",
    )
    GOVERNING_BODY = "governing_body", "The governing body"
    NOBODY = "not_set", "Not set by the policy"


class ConversationTerm(Choice):
    AUTUMN = "autumn", "Autumn term"
    SPRING = "spring", "Spring term"
    SUMMER = "summer", "Summer term"
    SPRING_OR_SUMMER = "spring_or_summer", "Spring or summer term"


class DueAnchor(Choice):
    OCTOBER_HALF_TERM = "before_october_half_term", "Before the October half-term holiday"
    END_OF_TERM = "end_of_term", "By the end of the term"
    FIXED_DATE = "fixed_date", "By a fixed date"


class ObservationType(Choice):
    OFSTED_INSPECTION = "ofsted_inspection", "Ofsted inspection observations"
    OTHER_MONITORING = "other_monitoring", "Other professional monitoring observations"
    LEARNING_WALK = "learning_walk", "Learning walks and visits"
    DROP_IN = "drop_in", "Short drop-in visits"
    EXTERNAL_UNANNOUNCED = (
        "external_unannounced",
        "An external adviser's observation not planned and told to everyone in advance",
    )


class PayProgression(Choice):
    AUTOMATIC = "automatic", "Automatic, unless in capability or managing-underperformance"
    UNLESS_EVIDENCE = "unless_evidence", "Everyone moves up unless there is evidence otherwise"
    PERFORMANCE = "performance", "Only when the appraisal shows the standard was met"
    HEADTEACHER_RECOMMENDS = (
        "headteacher_recommends",
        "The headteacher recommends, taking appraisal outcomes into account",
    )
    NOT_LINKED = "not_linked", "Not linked to appraisal (set by the pay policy)"


class WithholdReason(Choice):
    FORMAL_CAPABILITY = "formal_capability", "On the formal capability procedure"
    MANAGING_UNDERPERFORMANCE = (
        "managing_underperformance",
        "Under the managing-underperformance procedure",
    )
    OBJECTIVES_SIGNIFICANTLY_MISSED = (
        "objectives_significantly_missed",
        "Significantly failed to meet the previous year's objectives",
    )
    FELL_SHORT_OF_STANDARDS = (
        "fell_short_of_standards",
        "Fell short of the required standards or made little contribution to agreed objectives",
    )
    UNSATISFACTORY_AFTER_SUPPORT = (
        "unsatisfactory_after_support",
        "Unsatisfactory after being told of the concerns and given support to improve",
    )


class PayCommitteeSees(Choice):
    EACH_RECOMMENDATION = "each_recommendation", "Every pay recommendation"
    COUNTS_NOT_PROGRESSING = (
        "counts_not_progressing",
        "How many staff are not progressing, and why",
    )
    NOTHING = "nothing", "Nothing from appraisal"


class AppraisalInCapability(Choice):
    SUSPENDED = "suspended", "Appraisal is suspended until the capability matter ends"
    NO_LONGER_APPLIES = "no_longer_applies", "Appraisal no longer applies to them"


class CapabilityLetterWriter(Choice):
    PLAN = "plan", "Whoever runs the support plan: its manager, the headteacher or HR"
    HEADTEACHER = (
        "headteacher",
        "The headteacher (for the headteacher's own case, the chair of governors)",
    )


class Reader(Choice):
    REVIEWER = "reviewer", "The reviewer"
    REVIEWEE = "reviewee", "The member of staff"
    HEADTEACHER = "headteacher", "The headteacher (executive headteacher for central staff)"
    APPRAISAL_DELEGATE = (
        "appraisal_delegate",
        "The deputy or senior leader the headteacher nominated to run appraisal, and the "
        "administrator who processes appraisal records",
    )
    REVIEWER_LINE_MANAGERS = (
        "reviewer_line_managers",
        "The reviewer's line managers, up the chain",
    )
    # No "governing body": governors never read a named record (schema version 3); they
    # see anonymised reports, and the headteacher's committee reads by a grant.
    TRUST_STAFF = "trust_staff", "Trust central staff (HR)"


class RetentionFrom(Choice):
    END_OF_CYCLE = "end_of_cycle", "The end of the cycle the record belongs to"
    END_OF_EMPLOYMENT = "end_of_employment", "The end of the person's employment"


class HeadteacherAppraiser(Choice):
    GOVERNORS_COMMITTEE = "governors_committee", "A committee of governors"
    GOVERNING_BODY_WITH_CEO = (
        "governing_body_with_ceo",
        "The local governing body, with the CEO",
    )
    CEO = "ceo", "The CEO"
    TRUST_BOARD = "trust_board", "The trust board"


class AdviserUse(Choice):
    NONE = "none", "No external adviser"
    OPTIONAL = "optional", "An external adviser may support"
    REQUIRED = "required", "An external adviser supports every review"
