/**
 * What a synchronous call throws, for asserting on its fields with toMatchObject (an error's
 * code, category or message) rather than on its class alone; fails the test when nothing is thrown.
 */
export const thrownBy = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the call to throw, but it returned.');
};
