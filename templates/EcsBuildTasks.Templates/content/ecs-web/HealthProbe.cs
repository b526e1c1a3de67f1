/// <summary>
/// `dotnet EcsWeb.dll --health`: asks the instance running in this container whether it is healthy. ECS runs it as the
/// container health check; ASP.NET Core's base images have no curl or wget, and this needs nothing but the app.
/// </summary>
internal static class HealthProbe
{
    public static async Task<int> CheckAsync()
    {
        // The port the base image makes ASP.NET Core listen on (ASPNETCORE_HTTP_PORTS=8080 in Microsoft's images).
        var port = (Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "8080").Split(';', ',')[0].Trim();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync($"http://localhost:{port}/health");
            Console.WriteLine($"/health: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"/health: {e.Message}");
            return 1;
        }
    }
}
