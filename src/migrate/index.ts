import * as core from '@actions/core';
import { State } from './constants.js';

// One bundle for both steps: the main step marks the state, which the runner hands to post:.
if (core.getState(State.IsPost) === 'true') {
  const { post } = await import('./post.js');
  await post();
} else {
  core.saveState(State.IsPost, 'true');
  const { run } = await import('./main.js');
  await run();
}
