/// <summary>The one page: a question box, the reasoning (apart, greyed) and the answer, filled from an EventSource.</summary>
internal static class ChatPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Kimi WebChat</title>
          <style>
            body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
            form { display: flex; gap: .5rem; }
            input { flex: 1; padding: .5rem; }
            #reasoning { color: #666; font-style: italic; border-left: 3px solid #ccc; padding-left: .75rem; white-space: pre-wrap; }
            #answer { white-space: pre-wrap; margin-top: 1rem; }
            #status { color: #999; font-size: .8rem; }
          </style>
        </head>
        <body>
          <h1>Kimi K2.6</h1>
          <form id="ask">
            <input id="question" autocomplete="off" placeholder="Ask something…">
            <button id="send" type="submit">Ask</button>
          </form>
          <h2>Reasoning</h2>
          <div id="reasoning"></div>
          <h2>Answer</h2>
          <div id="answer"></div>
          <p id="status">idle</p>
          <script>
            const $ = id => document.getElementById(id);
            $('ask').addEventListener('submit', e => {
              e.preventDefault();
              $('reasoning').textContent = '';
              $('answer').textContent = '';
              $('status').textContent = 'streaming';
              const events = new EventSource('/chat?question=' + encodeURIComponent($('question').value));
              events.addEventListener('reasoning', m => $('reasoning').textContent += m.data);
              events.addEventListener('content', m => $('answer').textContent += m.data);
              events.addEventListener('done', m => { $('status').textContent = 'done ' + m.data; events.close(); });
              events.addEventListener('failure', m => { $('status').textContent = 'failed: ' + m.data; events.close(); });
              events.onerror = () => { if ($('status').textContent === 'streaming') $('status').textContent = 'failed: connection lost'; events.close(); };
            });
          </script>
        </body>
        </html>
        """;
}
