// A stand-in service for the health-check smoke job: answers GET /health with 200 and the JSON
// a Cloud Run service of ours would give, anything else with 404. Loopback only, port 8080.
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 'ok', revision: 'local' });

createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  } else {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }
}).listen(8080, '127.0.0.1', () => console.log('demo server listening on http://127.0.0.1:8080'));
