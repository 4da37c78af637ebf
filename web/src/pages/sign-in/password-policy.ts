/**
 * Cognito's default password policy, shown as hints while a new password is typed. The identity
 * provider has the last word: its message is shown when it refuses a password.
 */
export interface PasswordRule {
  id: string;
  text: string;
  test(password: string): boolean;
}

/** Cognito's "symbol" characters; a space counts too when it is not at either end. */
const SYMBOLS = new Set(Array.from('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- '));

/** Characters as a person counts them (code points), as Cognito does. */
const charCount = (p: string): number => Array.from(p).length;

export const passwordRules: readonly PasswordRule[] = [
  { id: 'length', text: '8 to 256 characters', test: (p) => charCount(p) >= 8 && charCount(p) <= 256 },
  { id: 'lower', text: 'A lowercase letter', test: (p) => /\p{Ll}/u.test(p) },
  { id: 'upper', text: 'An uppercase letter', test: (p) => /\p{Lu}/u.test(p) },
  { id: 'digit', text: 'A number', test: (p) => /[0-9]/.test(p) },
  { id: 'symbol', text: 'A special character, such as ! @ # $ % ^ & *', test: (p) => Array.from(p).some((ch) => SYMBOLS.has(ch)) },
  { id: 'edges', text: 'No space at the start or end', test: (p) => p === '' || p.trim() === p },
];
