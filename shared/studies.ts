/**
 * The evidence behind each preset and protocol (companion only: the device does not need the text).
 * The companion reports consistency against these protocols; it never claims medical effects.
 */
export const PRESET_STUDIES = [
  "4 min a day for 24 weeks: standardized scalp massage, controlled study (Koyama et al., Eplasty, 2016)",
  "11-20 min a day for about 7.5 months: survey of about 1,900 people (English & Barazesh, Dermatol Ther, 2019)",
  "twice a week for 10 weeks: lower cortisol, blood pressure and heart rate (Kim et al., J Phys Ther Sci, 2016)",
];

export const PROTOCOLS = {
  dailyShortMinutes: 4,
  dailyRangeMinutes: [11, 20],
  weeklySessions: 2,
  courseWeeks: 24,
};
