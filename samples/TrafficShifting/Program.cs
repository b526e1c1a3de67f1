var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();

var greeting = app.Configuration["Greeting"] ?? "Hello";
var startedAt = DateTimeOffset.UtcNow;

app.MapGet("/", () => Results.Text($"{greeting} ({Environment.MachineName})\n"));

// What the verification gates probe through the test listener (EcsVerifyUrl): 200 only when this revision is ready.
app.MapGet("/health", () => Results.Ok(new HealthReport("healthy", startedAt)));

app.Run();

internal sealed record HealthReport(string Status, DateTimeOffset StartedAt);
