/**
 * The longest wait a `Retry-After` is taken to ask for: a day. A provider asking for more is
 * waited on for a day (the refresh backoff and the proxy's budget then decide), and a number too
 * long to mean anything is not read as one.
 */
export const RETRY_AFTER_MAX_SECONDS = 86_400;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = `(?:${DAYS.join('|')})`;
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// RFC 9110 §5.6.7: IMF-fixdate, and the two obsolete forms a recipient must still accept.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^(?:${LONG_DAYS.join('|')}), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** Epoch ms of a valid calendar date and time, or NaN (31 Feb, 25:00 …). */
function utc(y: number, mon: string, d: number, h: number, mi: number, s: number): number {
  const m = MONTHS.indexOf(mon);
  // 60: a leap second, which IMF-fixdate allows
  if (h > 23 || mi > 59 || s > 60 || d < 1) return NaN;
  const t = Date.UTC(y, m, d, h, mi, s);
  const check = new Date(Date.UTC(y, m, d));
  return check.getUTCMonth() === m && check.getUTCDate() === d ? t : NaN;
}

/** Epoch ms of an HTTP-date in any of its three forms; NaN for anything else. */
export function parseHttpDate(v: string, now: Date): number {
  let m = IMF_FIXDATE.exec(v);
  if (m) return utc(+m[3]!, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  m = ASCTIME.exec(v);
  if (m) return utc(+m[6]!, m[1]!, +m[2]!.trim(), +m[3]!, +m[4]!, +m[5]!);
  m = RFC850.exec(v);
  if (m) {
    // A two-digit year more than 50 years ahead is the latest past year ending in those digits.
    const thisYear = now.getUTCFullYear();
    let y = thisYear - (thisYear % 100) + +m[3]!;
    if (y > thisYear + 50) y -= 100;
    return utc(y, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  }
  return NaN;
}

/**
 * Seconds a `Retry-After` header asks for, at most RETRY_AFTER_MAX_SECONDS; undefined when absent
 * or not one: only delay-seconds (digits, nothing else) or an HTTP-date count. "1.5", "-1", "+5",
 * "1e3", "0x10" and "" are not delays. Several differing values are none either.
 */
export function retryAfterSeconds(h: string | string[] | undefined, now: Date): number | undefined {
  const values = Array.isArray(h) ? h : [h];
  const first = values[0];
  if (first === undefined || values.some((x) => x !== first)) return undefined;
  // Surrounding whitespace is not part of a field value.
  const v = first.replace(/^[ \t]+|[ \t]+$/g, '');
  if (/^\d+$/.test(v)) {
    // Leading zeros aside, more digits than the bound has cannot be within it.
    const digits = v.replace(/^0+(?=\d)/, '');
    return digits.length > 6 ? RETRY_AFTER_MAX_SECONDS : Math.min(+digits, RETRY_AFTER_MAX_SECONDS);
  }
  const at = parseHttpDate(v, now);
  if (Number.isNaN(at)) return undefined;
  return Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(0, Math.ceil((at - now.getTime()) / 1000)));
}
