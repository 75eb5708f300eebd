import { describe, expect, test } from 'vitest';
import { filenameRefusal, type FilenameRefusal } from './filename-rules.ts';

const utf8 = (name: string) => Buffer.byteLength(name, 'utf8');

const accepted: [string, string][] = [
  ['brackets and parentheses', 'report (final) [v2].pdf'],
  ['Chinese', '年度报告 2024年.pdf'],
  ['Japanese', 'ファイル名「草案」.txt'],
  ['Korean', '보고서 최종.hwp'],
  ['Arabic', 'تقرير نهائي ٢٠٢٤.pdf'],
  ['Hebrew', 'דוח שנתי.docx'],
  ['Devanagari', 'वार्षिक रिपोर्ट.pdf'],
  ['Devanagari with a ZWJ after the virama', 'क्\u200Dष.txt'],
  ['Persian with a ZWNJ between letters', 'می\u200Cخواهم.txt'],
  ['Cyrillic', 'Отчёт №5 (черновик).docx'],
  ['Greek', 'Αναφορά.txt'],
  ['Thai (combining vowels and tones)', 'รายงานประจำปี.pdf'],
  ['an emoji', '\u{1F4F7} photo.png'],
  ['a ZWJ family', '\u{1F469}\u200D\u{1F469}\u200D\u{1F467} family.jpg'],
  ['a skin tone', '\u{1F44D}\u{1F3FF}.png'],
  ['a ZWJ sequence with a skin tone', '\u{1F9D1}\u{1F3FD}\u200D\u{1F4BB} code.txt'],
  ['a ZWJ sequence after U+FE0F (rainbow flag)', '\u{1F3F3}\uFE0F\u200D\u{1F308}.png'],
  ['a ZWJ sequence ending in U+FE0F (heart on fire)', '\u2764\uFE0F\u200D\u{1F525}.txt'],
  ['regional-indicator flags', '\u{1F1EF}\u{1F1F5}\u{1F1EB}\u{1F1F7} trip.txt'],
  [
    'a subdivision flag (tag sequence)',
    '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} team.txt',
  ],
  ['keycaps', '#\uFE0F\u20E3 1\uFE0F\u20E3.txt'],
  ['combining marks in NFC', 'caf\u00E9 cr\u00E8me.txt'],
  ['combining marks in NFD', 'cafe\u0301 cre\u0300me.txt'],
  ['stacked combining marks', 'Z\u0324\u0354\u0367\u0311a\u0308\u0356\u032Dlgo.txt'],
  ['percent signs', '100% done %20 %zz.txt'],
  ["#&'+;=", "#1 & co's a+b=c; d.txt"],
  ['what Windows refuses but other systems save', 'a:b<c>d|e"f?g*.txt'],
  ['more ASCII punctuation', '~$tmp {copy} @home !`^,.txt'],
  ['spaces at both ends', '  padded name.txt  '],
  ['only dots, more than two', '...'],
  ['a leading dot', '.env'],
  ['no-break and ideographic spaces', 'a\u00A0b\u3000c.txt'],
  ['a private-use character (Apple logo)', '\uF8FF notes.txt'],
  ['a tilde and a dash at the start', '-rf ~.txt'],
];

describe('accepted names', () => {
  test.each(accepted)('%s', (_, name) => {
    expect(filenameRefusal(name)).toBeUndefined();
  });

  test('NFC and NFD spellings are two different names, and both are accepted', () => {
    const nfc = 'caf\u00E9.txt';
    const nfd = 'cafe\u0301.txt';
    expect(nfd.normalize('NFC')).toBe(nfc);
    expect(Buffer.from(nfc)).not.toEqual(Buffer.from(nfd));
    expect([filenameRefusal(nfc), filenameRefusal(nfd)]).toEqual([undefined, undefined]);
  });
});

describe('the 255-byte limit counts UTF-8 bytes', () => {
  const cases: [string, string, number][] = [
    ['255 ASCII characters', `${'a'.repeat(251)}.txt`, 255],
    ['256 ASCII characters', `${'a'.repeat(252)}.txt`, 256],
    ['85 three-byte characters', '\u20AC'.repeat(85), 255],
    ['85 three-byte characters and one ASCII', `${'\u20AC'.repeat(85)}a`, 256],
    ['a four-byte emoji ending exactly at byte 255', `${'a'.repeat(251)}\u{1F600}`, 255],
    ['a four-byte emoji straddling byte 255', `${'a'.repeat(252)}\u{1F600}`, 256],
    ['a two-byte letter straddling byte 255', `${'a'.repeat(254)}\u00E9`, 256],
    ['63 emoji and 3 letters (129 UTF-16 units)', `${'\u{1F600}'.repeat(63)}abc`, 255],
    ['64 emoji (only 128 UTF-16 units)', '\u{1F600}'.repeat(64), 256],
    ['a ZWJ family as the last bytes', `${'a'.repeat(237)}\u{1F469}\u200D\u{1F469}\u200D\u{1F467}`, 255],
    ['a ZWJ family straddling byte 255', `${'a'.repeat(238)}\u{1F469}\u200D\u{1F469}\u200D\u{1F467}`, 256],
  ];

  test.each(cases)('%s: %i bytes', (_, name, bytes) => {
    expect(utf8(name)).toBe(bytes);
    expect(filenameRefusal(name)?.reason).toBe(bytes <= 255 ? undefined : 'too-long');
  });

  test('the message gives the byte count, not the name', () => {
    const refusal = filenameRefusal('\u{1F600}'.repeat(64));
    expect(refusal?.message).toBe('must be at most 255 bytes in UTF-8 (this one is 256)');
  });
});

const refused: [string, string, FilenameRefusal][] = [
  ['nothing', '', 'empty'],
  ['a lone high surrogate', 'a\uD800.txt', 'malformed-unicode'],
  ['a lone low surrogate', '\uDC00', 'malformed-unicode'],
  ['swapped surrogates', '\uDE00\uD83D.txt', 'malformed-unicode'],
  ['a single dot', '.', 'reserved-name'],
  ['two dots', '..', 'reserved-name'],
  ['a slash', 'a/b.txt', 'path-separator'],
  ['a path traversal', '../../etc/passwd', 'path-separator'],
  ['a backslash', 'a\\b.txt', 'path-separator'],
  ['a trailing slash', 'folder/', 'path-separator'],
  ['NUL', 'a\u0000b.txt', 'control-character'],
  ['a tab', 'a\tb.txt', 'control-character'],
  ['a line feed', 'a\nb.txt', 'control-character'],
  ['a carriage return', 'a\rSet-Cookie: x.txt', 'control-character'],
  ['ESC (terminal escape)', '\u001B[31mred.txt', 'control-character'],
  ['DEL', 'a\u007F.txt', 'control-character'],
  ['a C1 control (NEL)', 'a\u0085b.txt', 'control-character'],
  ['a C1 control (CSI)', 'a\u009Bb.txt', 'control-character'],
  ['the line separator', 'a\u2028b.txt', 'control-character'],
  ['the paragraph separator', 'a\u2029b.txt', 'control-character'],
  ['a right-to-left override', 'invoice\u202Efdp.exe', 'format-character'],
  ['a left-to-right mark', '\u200Ereport.txt', 'format-character'],
  ['a right-to-left mark', 'report\u200F.txt', 'format-character'],
  ['a right-to-left isolate', 'a\u2067b\u2069.txt', 'format-character'],
  ['the Arabic letter mark', 'a\u061Cb.txt', 'format-character'],
  ['a byte order mark', '\uFEFFreport.txt', 'format-character'],
  ['a soft hyphen', 'pay\u00ADpal.txt', 'format-character'],
  ['a word joiner', 'a\u2060b.txt', 'format-character'],
  ['a ZWJ on its own', '\u200D', 'format-character'],
  ['a ZWJ before a dot', 'a\u200D.txt', 'format-character'],
  ['a ZWJ after an emoji with nothing to join', '\u{1F600}\u200D.txt', 'format-character'],
  ['a ZWJ before an emoji, after a space', 'a \u200D\u{1F600}.txt', 'format-character'],
  ['a ZWNJ between emoji', '\u{1F469}\u200C\u{1F469}.txt', 'format-character'],
  ['a ZWNJ at the end of a word', 'ab\u200C.txt', 'format-character'],
  ['a tag character on its own', 'a\u{E0041}b.txt', 'format-character'],
  [
    'tags after a flag without the cancel tag',
    '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}.txt',
    'format-character',
  ],
  [
    'hidden text in tags after a flag',
    `\u{1F3F4}${[...'ignoreall'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('')}\u{E007F}`,
    'format-character',
  ],
  [
    'uppercase tags (not a subdivision code)',
    '\u{1F3F4}\u{E0047}\u{E0042}\u{E0045}\u{E004E}\u{E0047}\u{E007F}',
    'format-character',
  ],
  ['the interlinear annotation anchor', 'a\uFFF9b.txt', 'format-character'],
];

describe('refused names, each with the rule it breaks', () => {
  test.each(refused)('%s', (_, name, reason) => {
    const refusal = filenameRefusal(name);
    expect(refusal?.reason).toBe(reason);
    // The message may name a code point, never the name itself.
    if (name.length > 2) expect(refusal?.message).not.toContain(name);
  });

  test('a control or format character is named by its code point', () => {
    expect(filenameRefusal('invoice\u202Efdp.exe')?.message).toContain('(found U+202E)');
    expect(filenameRefusal('a\u0000b')?.message).toContain('(found U+0000)');
    expect(filenameRefusal('a\u{E0041}b')?.message).toContain('(found U+E0041)');
  });
});
