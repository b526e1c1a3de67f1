var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/_localecs/health", () => "ok");
app.Run();
