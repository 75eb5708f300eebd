/** ISO 8601 in UTC without milliseconds, as ECS and IMDS write `Expiration` and `LastUpdated`. */
export function awsTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
