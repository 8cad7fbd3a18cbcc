import { PROTOCOLS } from "../../shared/studies";

/*
 * When a session counts toward each protocol, and where the rule comes from. A session counts only
 * if it is long enough for that protocol (its actual seconds: time running, pauses excluded): a
 * 3-second start is not a massage any of the studies gave. The report prints each rule with its
 * source (figures.ts `rule`, `source`), and the README lists them.
 */
export interface Rule {
  /** Shortest session, in seconds, that counts toward the protocol. */
  session_s: number;
  /** The rule in one sentence. */
  rule: string;
  /** Where the rule comes from: the study, or this report's own choice (and why). */
  source: string;
}

const DAILY_S = PROTOCOLS.dailyShortMinutes * 60;
const [RANGE_LO, RANGE_HI] = PROTOCOLS.dailyRangeMinutes;
/** The stress study's shorter group massaged 15 minutes a session (its other group 25). */
const WEEKLY_SESSION_MIN = 15;

export const RULES = {
  daily4Min: {
    session_s: DAILY_S,
    rule: `A day counts when it has a session of at least ${PROTOCOLS.dailyShortMinutes} minutes.`,
    source: `The 2016 study gave one ${PROTOCOLS.dailyShortMinutes}-minute standardized massage a day for ${PROTOCOLS.courseWeeks} weeks (Koyama et al., Eplasty 2016).`,
  },
  daily11to20: {
    session_s: DAILY_S,
    rule: `A day counts when its sessions of at least ${PROTOCOLS.dailyShortMinutes} minutes add up to ${RANGE_LO}–${RANGE_HI} minutes.`,
    source:
      `The 2019 survey asked for minutes a day, not per session (English & Barazesh, Dermatol Ther 2019); ` +
      `the ${PROTOCOLS.dailyShortMinutes}-minute floor is this report's choice: the standardized massage's length in the 2016 study.`,
  },
  twiceWeekly: {
    session_s: WEEKLY_SESSION_MIN * 60,
    rule: `A week counts when it has ${PROTOCOLS.weeklySessions} sessions of at least ${WEEKLY_SESSION_MIN} minutes each.`,
    source: `The stress study massaged ${PROTOCOLS.weeklySessions} times a week for 10 weeks, ${WEEKLY_SESSION_MIN} or 25 minutes a session (Kim et al., J Phys Ther Sci 2016).`,
  },
} satisfies Record<string, Rule>;
