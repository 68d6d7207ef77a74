// How far behind a flow is: the time since the instant one of its watermarks holds (`…:caught-up` is
// the start of its last complete run), shown by `apsync status` and the console's overview.

/** ISO instants, or SuiteQL wall times (`YYYY-MM-DD HH:MM:SS`, read as UTC: the account default). */
export function lagSeconds(value: string, now: Date): number | null {
  const wall = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value);
  // Only dates: V8's Date.parse reads almost anything (an id like `x-42` as the year 42).
  if (wall === null && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const time = Date.parse(wall === null ? value : `${wall[1]}T${wall[2]}Z`);
  if (Number.isNaN(time)) return null;
  return Math.max(0, Math.round((now.getTime() - time) / 1000));
}

export function formatLag(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
