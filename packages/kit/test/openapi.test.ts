import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Type from 'typebox';
import { type App, createApp } from '../src/app.ts';
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
    expect(Object.keys(document.paths)).toEqual(['/api/v1/widgets/{id}']);
  });
});
