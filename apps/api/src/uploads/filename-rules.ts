/**
 * Which file names an upload may carry. Any name a desktop OS would save is accepted as given —
 * letters, marks, digits, symbols, punctuation, emoji and spaces of any script, NFC or NFD, never
 * normalised — because the name is only ever data: the object key is made from the upload id
 * (`incoming/<sub>/<uploadId>`), so no name reaches a path, a URL or a header. What is refused
 * can hide a path, break a line, or make the name display as something it is not.
 */
export type FilenameRefusal =
  | 'empty'
  | 'malformed-unicode'
  | 'too-long'
  | 'reserved-name'
  | 'path-separator'
  | 'control-character'
  | 'format-character';

/** The common file-system limit (ext4, APFS, NTFS in practice), counted in UTF-8 bytes as S3 counts keys. */
export const MAX_FILENAME_BYTES = 255;

// Invisible format characters (Unicode Cf) that are part of how text is written, removed before
// looking for any other. Each is allowed only where it joins something, never on its own:
const joinersInContext = new RegExp(
  [
    // ZWJ inside an emoji ZWJ sequence (👩‍👩‍👧, 🧑🏽‍💻, 🏳️‍🌈): after a pictograph, its skin tone or
    // U+FE0F, and before another pictograph (the grapheme-cluster rule GB11 of UAX #29).
    String.raw`(?<=\p{Extended_Pictographic}[\p{Emoji_Modifier}\uFE0F]*)\u200D(?=\p{Extended_Pictographic})`,
    // ZWJ and ZWNJ between letters or marks: Persian, Urdu and the Indic scripts need them to
    // choose a letter's joined or conjunct form (می‌خواهم, क्‍ष).
    String.raw`(?<=[\p{L}\p{M}])[\u200C\u200D](?=[\p{L}\p{M}])`,
    // The tag characters of a subdivision flag (🏴󠁧󠁢󠁥󠁮󠁧󠁿, UTS #51 emoji tag sequence): after U+1F3F4,
    // a lowercase subdivision code and U+E007F. Tags anywhere else could carry hidden text.
    String.raw`(?<=\u{1F3F4})(?:[\u{E0061}-\u{E007A}]{2}|[\u{E0030}-\u{E0039}]{3})[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,4}\u{E007F}`,
  ].join('|'),
  'gu',
);

// C0 and C1 controls (NUL, tab, CR, LF, ESC, DEL, NEL…) and the line and paragraph separators,
// which end a line in logs and viewers as LF does.
const controlCharacter = /[\p{Cc}\u2028\u2029]/u;
// Bidi controls ("invoice", U+202E, "fdp.exe" displays as "invoiceexe.pdf"), marks, BOM, soft
// hyphen, word joiner, tags…: invisible, and able to make a name look like another.
const formatCharacter = /\p{Cf}/u;

const codePoint = (character: string) =>
  `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The rule a file name breaks, with a message for the client, or undefined for an acceptable
 * name. The message names the rule and at most a code point, never the name itself.
 */
export function filenameRefusal(name: string): { reason: FilenameRefusal; message: string } | undefined {
  if (name.length === 0) return { reason: 'empty', message: 'must not be empty' };
  // An unpaired surrogate has no UTF-8 form: storing it would change the name.
  if (!name.isWellFormed())
    return { reason: 'malformed-unicode', message: 'must be well-formed Unicode (no unpaired surrogates)' };
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_FILENAME_BYTES)
    return {
      reason: 'too-long',
      message: `must be at most ${MAX_FILENAME_BYTES} bytes in UTF-8 (this one is ${bytes})`,
    };
  if (name === '.' || name === '..')
    return { reason: 'reserved-name', message: 'must not be "." or "..", which name directories' };
  if (name.includes('/') || name.includes('\\'))
    return { reason: 'path-separator', message: 'must not contain "/" or "\\"' };
  const control = controlCharacter.exec(name)?.[0];
  if (control !== undefined)
    return {
      reason: 'control-character',
      message: `must not contain control characters or line breaks (found ${codePoint(control)})`,
    };
  const format = formatCharacter.exec(name.replace(joinersInContext, ''))?.[0];
  if (format !== undefined)
    return {
      reason: 'format-character',
      message:
        `must not contain invisible format or bidi control characters (found ${codePoint(format)}); ` +
        'a zero-width joiner is allowed inside an emoji sequence or between letters',
    };
  return undefined;
}
