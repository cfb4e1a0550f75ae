// Readable output for people: aligned tables and "label  value" summaries. Scripts use --json.

/** How a value shows in a table cell or a summary: '-' for nothing, lists joined by spaces. */
export function cell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.map(cell).join(' ') : '-';
  if (typeof v === 'object') return JSON.stringify(v);
  // a value that is only blanks (a scope separator " ") would not show at all
  if (typeof v === 'string' && v.trim() === '') return JSON.stringify(v);
  return String(v);
}

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** An aligned table with a header row; the last column is not padded. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => cell(c.value(r))));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((row) => row[i]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** `label  value` lines, labels aligned; entries whose value is undefined are left out. */
export function details(entries: readonly (readonly [string, unknown])[]): string {
  const shown = entries.filter(([, v]) => v !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join('\n') + '\n';
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
