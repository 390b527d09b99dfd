import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Type from 'typebox';
import { type App, createApp } from '../src/app.ts';
import { BEARER_AUTH } from '../src/openapi-responses.ts';
import { captureLogs } from './log-capture.ts';

let app: App;

beforeAll(async () => {
  app = createApp({
    name: 'openapi-test',
    version: '2.3.4',
    logDestination: captureLogs(),
    openapi: { title: 'Widgets', description: 'Widgets service' },
  });
  // Routes go in as plugins (as every service's src/routes/ files do), so they load after the OpenAPI
  // plugin has started collecting.
  app.register(async (widgets) => {
    widgets.get(
      '/api/v1/widgets/:id',
      {
        schema: {
          params: Type.Object({ id: Type.String({ pattern: '^[0-9]+$' }) }),
          response: { 200: Type.Object({ id: Type.String() }), 404: Type.Ref('Problem') },
        },
      },
      async (request) => ({ id: (request.params as { id: string }).id }),
    );
    widgets.post(
      '/api/v1/widgets',
      {
        schema: {
          security: BEARER_AUTH,
          body: Type.Object({ name: Type.String() }),
          response: { 201: Type.Object({ id: Type.String() }) },
        },
      },
      async () => ({ id: '1' }),
    );
  });
  await app.ready();
});

afterAll(() => app.close());

describe('OpenAPI document', () => {
  it('describes every route from its schema, as OpenAPI 3.1', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: 'Widgets', version: '2.3.4', description: 'Widgets service' });
    const operation = document.paths['/api/v1/widgets/{id}'].get;
    expect(operation.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    expect(operation.responses['200'].content['application/json'].schema.properties.id.type).toBe('string');
    expect(document.components.schemas.Problem.properties.code.type).toBe('string');
  });

  it('leaves the probes and the document itself out', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(['/api/v1/widgets/{id}', '/api/v1/widgets']);
  });

  it('adds what the kit answers on every route, with errors as application/problem+json', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const read = document.paths['/api/v1/widgets/{id}'].get;
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
    expect(Object.keys(read.responses).sort()).toEqual(['200', '400', '404', '500']);
    expect(read.responses['404']).toMatchObject({ description: 'Not Found', content: problem });
    expect(read.responses['404'].content).not.toHaveProperty(['application/json']);
    expect(read.responses['200'].headers['X-Request-Id']).toEqual({ $ref: '#/components/headers/X-Request-Id' });
    const create = document.paths['/api/v1/widgets'].post;
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '413', '415', '500']);
    expect(create.responses['401'].headers).toHaveProperty('WWW-Authenticate');
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.headers).toHaveProperty('X-Request-Id');
  });
});
