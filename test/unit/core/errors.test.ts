import { AppError, errorStatus, internalErrorBody, notFound, versionConflict } from '../../../core/errors';

describe('error model', () => {
  it.each([
    ['VALIDATION_FAILED', 400],
    ['UNAUTHORIZED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['VERSION_CONFLICT', 409],
    ['PAYLOAD_TOO_LARGE', 413],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['UNPROCESSABLE', 422],
    ['TOO_MANY_REQUESTS', 429],
  ] as const)('maps %s to HTTP %i', (code, status) => {
    expect(new AppError(code, 'x').status).toBe(status);
    expect(errorStatus[code]).toBe(status);
  });

  it('answers the {"error":{code,message,details}} shape', () => {
    const body = new AppError('CONFLICT', 'taken', { field: 'name' }).toBody();

    expect(body).toEqual({ error: { code: 'CONFLICT', message: 'taken', details: { field: 'name' } } });
  });

  it('omits details when there are none', () => {
    expect(notFound('Project', 'prj_1').toBody()).toEqual({ error: { code: 'NOT_FOUND', message: "Project 'prj_1' not found." } });
  });

  it('says which versions disagreed on a conflict', () => {
    expect(versionConflict(3, 4).details).toEqual({ expectedVersion: 3, currentVersion: 4 });
  });

  it('gives unexpected failures a body that reveals nothing but the request id', () => {
    expect(internalErrorBody('req-1')).toEqual({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side.', details: { requestId: 'req-1' } },
    });
  });
});
