import ssh2 from 'ssh2';

/**
 * An ed25519 key pair from ssh2, for in-process SSH servers. ssh2 1.17 sometimes (about 1 in 400)
 * writes the public key with its leading zero byte dropped (a 31-byte key that OpenSSH refuses);
 * such pairs are drawn again.
 */
export const ed25519KeyPair = (): { private: string; public: string } => {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    const parsed = ssh2.utils.parseKey(pair.public);
    // string "ssh-ed25519" (4 + 11) and the key (4 + 32)
    if (!(parsed instanceof Error) && parsed.getPublicSSH().length === 51) return pair;
  }
};
