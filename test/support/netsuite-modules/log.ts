// Fake of SuiteScript's N/log for tests that load the NetSuite scripts: keeps every entry for assertions.
export interface LogEntry {
  level: 'debug' | 'audit' | 'error' | 'emergency';
  title: string;
  details: string;
}

export function createFakeLog() {
  const entries: LogEntry[] = [];
  const writer =
    (level: LogEntry['level']) =>
    (options: { title?: string; details?: unknown } | string, details?: unknown): void => {
      if (typeof options === 'string')
        entries.push({ level, title: options, details: String(details ?? '') });
      else
        entries.push({ level, title: String(options.title ?? ''), details: String(options.details ?? '') });
    };
  return {
    entries,
    module: {
      debug: writer('debug'),
      audit: writer('audit'),
      error: writer('error'),
      emergency: writer('emergency'),
    },
  };
}
