/// <summary>The page: a cell per sub-agent coloured by state, the orchestrator's row, and the totals rolled up, redrawn from each SSE snapshot.</summary>
internal static class SwarmPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Kimi swarm</title>
        <style>
          body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1d2433; background: #f7f8fb; }
          h1 { font-size: 1.3rem; margin: 0 0 .8rem; }
          #controls { margin-bottom: 1rem; }
          #summary { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: .6rem 0 1rem; }
          .stat { background: #fff; border: 1px solid #d9dde7; border-radius: 6px; padding: .5rem .8rem; min-width: 8rem; }
          .stat b { display: block; font-size: 1.2rem; }
          #orchestrator { background: #fff; border: 1px solid #d9dde7; border-radius: 6px; padding: .5rem .8rem; margin-bottom: 1rem; }
          #grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(22px, 1fr)); gap: 3px; }
          .agent { height: 22px; border-radius: 3px; background: #cfd5e3; font-size: 9px; color: #fff; text-align: center; line-height: 22px; overflow: hidden; }
          .Waiting { background: #cfd5e3; } .Thinking { background: #3d7be0; } .RunningTools { background: #9b59d0; }
          .Completed { background: #2e9d5b; } .Stopped { background: #e09b2d; } .Failed { background: #d64545; }
          #legend span { display: inline-block; margin-right: 1rem; } #legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
        </style>
        </head>
        <body>
        <h1>Kimi K2.6 swarm</h1>
        <div id="controls">
          <label>Sub-agents <input id="subtasks" type="number" min="1" max="300" value="300"></label>
          <button id="start">Start</button>
          <span id="status">idle</span>
        </div>
        <div id="summary">
          <div class="stat">Steps <b id="steps">0</b></div>
          <div class="stat">Tokens <b id="tokens">0</b></div>
          <div class="stat">Cost <b id="cost">$0</b></div>
          <div class="stat">Sub-agents done <b id="done">0 / 0</b></div>
        </div>
        <div id="orchestrator">orchestrator: <span id="orch-state">–</span>, <span id="orch-steps">0</span> steps, <span id="orch-tokens">0</span> tokens</div>
        <div id="legend">
          <span><i class="Waiting"></i>waiting</span><span><i class="Thinking"></i>thinking</span><span><i class="RunningTools"></i>tools</span>
          <span><i class="Completed"></i>completed</span><span><i class="Stopped"></i>stopped</span><span><i class="Failed"></i>failed</span>
        </div>
        <div id="grid"></div>
        <script>
        const $ = id => document.getElementById(id);
        const cells = new Map();
        function draw(s) {
          if (!s.orchestrator) return;
          $('steps').textContent = s.totalSteps.toLocaleString('en') + (s.maxSteps ? ' / ' + s.maxSteps.toLocaleString('en') : '');
          $('steps').dataset.value = s.totalSteps;
          $('tokens').textContent = s.totalTokens.toLocaleString('en');
          $('tokens').dataset.value = s.totalTokens;
          $('cost').textContent = '$' + s.totalCost.toFixed(4);
          $('orch-state').textContent = s.orchestrator.state;
          $('orch-steps').textContent = s.orchestrator.steps;
          $('orch-tokens').textContent = s.orchestrator.tokens.toLocaleString('en');
          let done = 0;
          for (const a of s.agents) {
            let cell = cells.get(a.id);
            if (!cell) { cell = document.createElement('div'); cell.id = 'agent-' + cells.size; cells.set(a.id, cell); $('grid').appendChild(cell); }
            cell.className = 'agent ' + a.state;
            cell.dataset.state = a.state;
            cell.dataset.steps = a.steps;
            cell.dataset.tokens = a.tokens;
            cell.textContent = a.steps;
            cell.title = `${a.name}: ${a.state}, ${a.steps} steps, ${a.tools} tool calls, ${a.tokens} tokens, $${a.cost.toFixed(5)}` + (a.error ? `\n${a.error}` : '');
            if (a.state === 'Completed') done++;
          }
          $('done').textContent = done + ' / ' + s.agents.length;
        }
        $('start').onclick = () => {
          cells.clear(); $('grid').replaceChildren(); $('status').textContent = 'running';
          const events = new EventSource('/swarm?subtasks=' + encodeURIComponent($('subtasks').value));
          events.addEventListener('snapshot', e => draw(JSON.parse(e.data)));
          events.addEventListener('done', e => {
            const d = JSON.parse(e.data);
            $('status').textContent = `done: ${d.stopReason}, ${d.steps} steps, ${d.tokens} tokens` + (d.emulatorTokens !== null ? ` (emulator reported ${d.emulatorTokens})` : '');
            $('status').dataset.steps = d.steps; $('status').dataset.tokens = d.tokens; $('status').dataset.emulatorTokens = d.emulatorTokens;
            events.close();
          });
          events.onerror = () => { if (!$('status').textContent.startsWith('done')) $('status').textContent = 'failed: the stream broke'; events.close(); };
        };
        </script>
        </body>
        </html>
        """;
}
