const WIDTH = 64;

/**
 * An event's `sequencer` in a form DynamoDB can order. S3 documents that sequencers of one key
 * may differ in length and must be compared by right-padding the shorter with zeros, then
 * comparing lexicographically. Padding every value to one width (and one letter case) up front
 * makes the plain string `<` of a condition expression do exactly that.
 */
export function comparableSequencer(sequencer: string): string {
  if (sequencer.length > WIDTH) throw new Error(`sequencer longer than ${WIDTH} digits: ${sequencer}`);
  return sequencer.toUpperCase().padEnd(WIDTH, '0');
}
