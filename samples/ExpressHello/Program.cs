var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();

var greeting = app.Configuration["Greeting"] ?? "Hello";

app.MapGet("/", (HttpRequest request) => Results.Text($"{greeting} at {request.Scheme}://{request.Host}/ ({Environment.MachineName})\n"));
app.MapGet("/health", () => Results.Ok(new { status = "healthy" }));

app.Run();
