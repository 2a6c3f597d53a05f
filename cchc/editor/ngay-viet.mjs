// Dates as Vietnamese write them, day first: 07/03/2024, 07/03/2024 08:30 (the second form the
// loader accepts, cchc/core/dates.py `_VN`). Bundled first into the web editor (bundle.mjs), and
// called by Sveltia's date library (Day.js) before it hands a text it does not know to the
// browser's Date, which reads 01/12/2026 as 12 January: a post dated so would show, and be saved,
// with the wrong date.

export const VN_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * The Date for a day-first text, in local time or UTC; an invalid Date for an impossible day or
 * hour (31/02/2024); undefined for any other text, which Day.js then reads as before.
 * @param {unknown} text Text to read.
 * @param {boolean} [utc] Whether the text is UTC rather than local time.
 * @returns {Date | undefined}
 */
export const parseVietnameseDate = (text, utc = false) => {
  const match = typeof text === 'string' ? text.trim().match(VN_DATE) : null;
  if (!match) return undefined;
  const [day, month, year, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const date = utc
    ? new Date(Date.UTC(year, month - 1, day, hour, minute, second))
    : new Date(year, month - 1, day, hour, minute, second);
  const [gotDay, gotMonth] = utc ? [date.getUTCDate(), date.getUTCMonth()] : [date.getDate(), date.getMonth()];
  const valid = gotDay === day && gotMonth === month - 1 && hour < 24 && minute < 60 && second < 60;
  return valid ? date : new Date(Number.NaN);
};

globalThis.cchcNgayViet = parseVietnameseDate;
