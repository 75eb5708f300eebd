import { en } from 'zod/locales';
import * as z from 'zod/mini';

// zod/mini comes without messages ("Invalid input" for everything); a refusal must name its
// problem. The English ones are ~3 KiB. Set here, where every parser gets its reason from, so a
// bundle that keeps any parser keeps the messages too.
z.config(en());

/** Zod's issues as one line naming each field and its problem. */
export function oneLineReason(error: z.core.$ZodError): string {
  // The first few problems say enough; a hostile input must not turn into a megabyte log line.
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}
