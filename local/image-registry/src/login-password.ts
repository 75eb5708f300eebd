// The password `aws ecr get-login-password` prints: who asked for it and until when, sealed with
// AES-256-GCM under a key that exists only in this process. GCM authenticates as it encrypts, so
// a password that was altered, made up or sealed by another run does not open; an opened one
// names the caller, which the registry's token endpoint then decides for. (ECR's own token is
// opaque too; the emulator's is one constant string for everyone, which is why this exists.)
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** ECR's tokens last 12 hours. */
export const LOGIN_PASSWORD_LIFETIME_MS = 12 * 60 * 60 * 1000;

export interface LoginIdentity {
  /** `arn:aws:sts::<acct>:assumed-role/<role>/<session>` */
  sessionArn: string;
  roleArn: string;
  roleName: string;
  sessionName: string;
  accountId: string;
  /** The access key the GetAuthorizationToken call was signed with (for the trail). */
  accessKeyId: string;
  /** When that session was issued, ISO 8601 (the trail's creationDate). */
  sessionIssuedAt: string;
  /** ISO 8601. */
  expiresAt: string;
}

export type UnsealResult =
  { ok: true; identity: LoginIdentity } | { ok: false; reason: 'invalid' | 'expired' };

export interface PasswordSealer {
  seal(identity: LoginIdentity): string;
  unseal(password: string, now?: Date): UnsealResult;
}

// Binds the ciphertext to its purpose: the same key could never open something sealed for another.
const PURPOSE = Buffer.from('keyless ecr login password v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createPasswordSealer(key: Buffer = randomBytes(32)): PasswordSealer {
  return {
    seal(identity) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(PURPOSE);
      const sealed = Buffer.concat([cipher.update(JSON.stringify(identity), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    unseal(password, now = new Date()) {
      const bytes = Buffer.from(password, 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES) return { ok: false, reason: 'invalid' };
      let identity: LoginIdentity;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES)).setAAD(PURPOSE);
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const opened = Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]);
        identity = JSON.parse(opened.toString('utf8')) as LoginIdentity;
      } catch {
        // A wrong tag (altered, or sealed under another key) throws in final().
        return { ok: false, reason: 'invalid' };
      }
      if (!(Date.parse(identity.expiresAt) > now.getTime())) return { ok: false, reason: 'expired' };
      return { ok: true, identity };
    },
  };
}
