// SigV4's timestamps: X-Amz-Date is ISO 8601 basic format, always UTC (20130524T000000Z).

const basicFormat = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function parseAmzDate(value: string): Date | undefined {
  const match = basicFormat.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((group) => Number(match[group]));
  const date = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)),
  );
  // Date.UTC rolls 20130231 over into March; AWS refuses such a date instead.
  return formatAmzDate(date) === value ? date : undefined;
}

export const formatAmzDate = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');

/** A date in the X-Amz-Date header format, or the RFC 7231 Date header SigV4 also accepts. */
export function parseRequestDate(
  amzDate: string | undefined,
  httpDate: string | undefined,
): Date | undefined {
  if (amzDate !== undefined) return parseAmzDate(amzDate);
  if (httpDate === undefined) return undefined;
  const parsed = new Date(httpDate);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}
