/** A username as the API accepts it (core/users/schema.ts): lower case, no spaces, at most 128. */
export const USERNAME_MAX = 128;
const USERNAME = /^[a-z0-9][a-z0-9._@+-]*$/;

export const usernameError = (value: string): string | undefined => {
  if (value === '') return 'Enter a username.';
  if (value.length > USERNAME_MAX) return `A username has at most ${USERNAME_MAX} characters.`;
  if (!USERNAME.test(value)) return 'Use lower-case letters, digits and . _ @ + - (starting with a letter or digit).';
  return undefined;
};
