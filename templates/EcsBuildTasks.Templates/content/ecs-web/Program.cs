// The container health check (EcsHealthCheckCommand in the project file) runs this app with --health: it asks the
// running instance's /health and exits 0 (healthy) or 1.
if (args is ["--health"])
{
    return await HealthProbe.CheckAsync();
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHealthChecks();

var app = builder.Build();

// Used by the container health check, and by a load balancer's target group health check.
app.MapHealthChecks("/health");
app.MapGet("/", () => $"Hello from EcsWeb ({app.Environment.EnvironmentName})");

await app.RunAsync();
return 0;
