/** js-md4 0.3 ships without types; this is the part runner/winrm/ntlm uses (the pure-JS digest). */
declare module 'js-md4' {
  interface Md4Hasher {
    arrayBuffer(message: Uint8Array): ArrayBuffer;
  }
  const md4: Md4Hasher;
  export default md4;
}
