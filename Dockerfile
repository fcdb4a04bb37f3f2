# syntax=docker/dockerfile:1
# CaseApi: build with the .NET SDK, run on the ASP.NET runtime as a non-root user.
# The image has no PostgreSQL: set ConnectionStrings__CaseDb (and ConnectionStrings__CaseDbMigrations) at run time.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY Directory.Build.props Directory.Packages.props ./
COPY src/CaseApi/CaseApi.csproj src/CaseApi/
RUN dotnet restore src/CaseApi/CaseApi.csproj
COPY src/ src/
COPY db/ db/
RUN dotnet publish src/CaseApi/CaseApi.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:5080 \
    DOTNET_RUNNING_IN_CONTAINER=true
EXPOSE 5080
# The image ships no curl; the app probes itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["dotnet", "CaseApi.dll", "health-check"]
USER app
ENTRYPOINT ["dotnet", "CaseApi.dll"]
