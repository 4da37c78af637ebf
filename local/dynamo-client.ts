import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * dynalite wants a SigV4 Authorization header on every request but never checks the signature, and
 * the local credentials are placeholders anyway: the local clients send a fixed header instead of
 * hashing each request (about a fifth of the SDK's CPU per request; the runner sends hundreds).
 */
const dynaliteSigner = {
  sign: <R extends { headers: Record<string, string> }>(request: R): Promise<R> => {
    request.headers.authorization = 'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0';
    request.headers['x-amz-date'] = '20260101T000000Z';
    return Promise.resolve(request);
  },
};

/** A client for the local dynalite (the stack's and the runner process's). */
export const localDynamoClients = (endpoint: string): { client: DynamoDBClient; doc: DynamoDBDocumentClient } => {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, signer: dynaliteSigner });
  return { client, doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }) };
};
